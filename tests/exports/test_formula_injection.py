"""User text that looks like a formula is exported as plain text in every sheet."""

from datetime import date, timedelta

import pytest

from portfolio.db import session
from portfolio.exports.safe_text import FORMULA_PREFIXES, looks_like_formula
from portfolio.localtime import local_today
from portfolio.reporting.models import ReportStatus
from tests.exports.sheets import calamine_rows, open_xlsx
from tests.factories import make_period, make_project, make_report

PAYLOADS = [f'{prefix}HYPERLINK("http://evil.example","点我")' for prefix in FORMULA_PREFIXES]


@pytest.fixture
def hostile(app, users):
    """A project per dangerous prefix, with that text in its name, progress, problems and next steps."""
    plan = None
    period = None
    for i, payload in enumerate(PAYLOADS):
        project = make_project(
            name=payload,
            planned_start=date(2025, 1, 1),
            planned_end=date(2025, 12, 1),
            units=[f"{FORMULA_PREFIXES[i]}SUM(1,2)单位{i}"],
        )
        if period is None:
            plan = project.plan
            period = make_period(plan, "2025Q4", deadline=local_today() + timedelta(days=30))
        make_report(
            project,
            period,
            ReportStatus.APPROVED,
            invested="1",
            pct="5",  # far behind: red, so the supervision list shows every one
            progress_text=payload,
            problems=payload,
            next_steps=f"{payload}@",
        )
    session.commit()
    return period


def _assert_no_formulas(content: bytes, expected_texts: set[str]) -> None:
    wb = open_xlsx(content)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and looks_like_formula(cell.value):
                    assert cell.quotePrefix, f"{ws.title}!{cell.coordinate} lacks the quote prefix"
                    seen.add(cell.value)
        for values in calamine_rows(content, ws.title):
            seen.update(v for v in values if isinstance(v, str))
    missing = {t for t in expected_texts if t not in seen}
    assert not missing, missing


@pytest.mark.parametrize("sheet", ["progress", "counties", "supervision"])
def test_sheets_write_formula_like_text_as_text(hostile, role_client, sheet):
    response = role_client("planner").get(f"/exports/periods/{hostile.id}/{sheet}.xlsx")
    assert response.status_code == 200
    _assert_no_formulas(response.data, set(PAYLOADS))


def test_template_writes_formula_like_text_as_text(hostile, role_client):
    response = role_client("officer").get(f"/exports/periods/{hostile.id}/template.xlsx")
    assert response.status_code == 200
    _assert_no_formulas(response.data, set(PAYLOADS))


def test_every_dangerous_prefix_is_recognised():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x"):
        assert looks_like_formula(text)
    assert not looks_like_formula("主体完工 = 50%")
