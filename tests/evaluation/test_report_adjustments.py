"""The evaluation report's project section reads the plan against its adjustments (规划调整): the original
plan (frozen baseline) beside the adjusted plan, on the page, in the workbook, in an officer's scope, and
frozen with a finalized round."""

from datetime import date
from decimal import Decimal

import pytest

from portfolio.db import session
from portfolio.evaluation.services import create_round, finalize_round
from tests.adjustments.test_adjustments import DOC, REASON, _adjusted, _import, _totals
from tests.annex.helpers import plan
from tests.annex.workbooks import Row, annex_rows
from tests.dashboard.html import figures, number
from tests.exports.sheets import open_xlsx


@pytest.fixture
def adjusted(role_client, users):
    planner = role_client("planner")
    first = annex_rows()
    _import(planner, first)
    second = _adjusted(first)
    done, _ = _import(planner, second, adjust_reason=REASON, adjust_doc_number=DOC)
    assert done.status_code == 302
    round_ = create_round(users["planner"], plan(), "中期评估", date(2023, 12, 31))
    session.commit()
    return {"first": first, "second": second, "round": round_}


def _report(client, round_) -> str:
    response = client.get(f"/evaluation/rounds/{round_.id}/report")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_report_sets_the_original_plan_beside_the_adjusted_one(role_client, adjusted):
    page = _report(role_client("reviewer"), adjusted["round"])
    section = page[page.index('id="plan-adjustments"') :]
    shown = figures(section)
    for side, rows in (("baseline", adjusted["first"]), ("current", adjusted["second"])):
        count, total, span = _totals(rows)
        assert int(shown[f"{side}-count"]) == count
        assert number(shown[f"{side}-total"]) == total and number(shown[f"{side}-span"]) == span
    assert (shown["added"], shown["withdrawn"], shown["changed"]) == ("1", "1", "1")
    assert f"{REASON}（{DOC}）" in section and "黄河滩区生态修复（调整新增）" in section


def test_the_workbook_has_the_adjustments_and_each_project_its_original_investment(role_client, adjusted):
    content = role_client("reviewer").get(f"/evaluation/rounds/{adjusted['round'].id}/report.xlsx").data
    wb = open_xlsx(content)
    rows = list(wb["规划调整情况"].iter_rows(values_only=True))
    assert rows[3][1] == 86 and Decimal(str(rows[3][2])) == _totals(adjusted["first"])[1]
    assert Decimal(str(rows[4][2])) == _totals(adjusted["second"])[1]
    listed = rows[rows.index(next(r for r in rows if r[0] == "项目名称")) + 1 :]
    listed = listed[: next((i for i, r in enumerate(listed) if all(v is None for v in r)), len(listed))]
    listed = [r for r in listed if r[0]]  # the table ends at the blank row above its 口径说明
    assert sorted(r[1] for r in listed) == ["新增", "调出", "调整"]
    assert all(r[7] == f"{REASON}（{DOC}）" for r in listed)
    projects = list(wb["项目分类"].iter_rows(values_only=True))
    head = projects[2]  # under the title and the unit/date line
    at_span, at_base, at_kind = (
        head.index("规划期投资（万元）"),
        head.index("原规划期投资(万元)"),
        head.index("规划调整"),
    )
    by_name = {r[1]: r for r in projects[3:]}
    changed = next(r for r in listed if r[1] == "调整")
    added = next(r for r in listed if r[1] == "新增")
    assert by_name[changed[0]][at_kind] == "调整"
    assert by_name[added[0]][at_kind] == "新增" and by_name[added[0]][at_base] is None
    untouched = next(r for r in projects[1:] if r[at_kind] in (None, ""))
    assert untouched[at_base] == untouched[at_span]


def test_an_officer_sees_only_their_projects_adjustments_and_totals(role_client, adjusted, users):
    import re

    from sqlalchemy import func, select

    from portfolio.adjustments.models import BaselineProject
    from portfolio.evaluation.queries import list_visible_project_ids
    from portfolio.projects.models import LifecycleStatus, Project

    page = _report(role_client("officer"), adjusted["round"])
    section = page[page.index('id="plan-adjustments"') :]
    shown = figures(section)
    visible = list_visible_project_ids(users["officer"], adjusted["round"].plan_id)
    sums = (func.count(), func.sum(Project.total_investment_wan), func.sum(Project.span_investment_wan))
    now = session.execute(
        select(*sums).where(Project.id.in_(visible), Project.status != LifecycleStatus.WITHDRAWN)
    ).one()
    base = session.execute(
        select(
            func.count(),
            func.sum(BaselineProject.total_investment_wan),
            func.sum(BaselineProject.span_investment_wan),
        ).where(BaselineProject.project_id.in_(visible), BaselineProject.member.is_(True))
    ).one()
    assert 0 < now[0] < 86
    assert (int(shown["current-count"]), number(shown["current-total"]), number(shown["current-span"])) == now
    assert (
        int(shown["baseline-count"]),
        number(shown["baseline-total"]),
        number(shown["baseline-span"]),
    ) == base
    listed = {int(i) for i in re.findall(r'data-project-id="(\d+)"', section)}
    assert listed <= visible


def test_a_finalized_round_keeps_the_adjustments_it_was_signed_with(role_client, adjusted, users):
    round_ = adjusted["round"]
    finalize_round(users["reviewer"], round_)
    session.commit()
    third = [Row(r.kind, dict(r.values)) for r in adjusted["second"]]
    next(r for r in third if r.kind == "project").values["total"] = 70000
    _import(role_client("planner"), third, adjust_reason="再次调整", adjust_doc_number="焦环〔2025〕3号")
    page = _report(role_client("reviewer"), round_)
    assert "再次调整" in role_client("planner").get("/adjustments").get_data(as_text=True)
    assert "再次调整" not in page
    assert figures(page[page.index('id="plan-adjustments"') :])["changed"] == "1"
