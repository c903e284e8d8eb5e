"""纳入系统前已完成投资 from the annex: a 开工至今完成投资 / 截至X年底累计完成投资 column, its as-of date
from the header or a 截至 line, stored where a planner's entry is, with the dry-run diff, audit and checks."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from portfolio.annex.as_of import find_as_of, without_as_of
from portfolio.annex.report import display_value
from portfolio.annex.services import import_annex
from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.projects.models import Project
from portfolio.projects.pre_tracking import set_pre_tracking
from tests.annex.helpers import ANNEX, plan
from tests.annex.test_views import _confirm_fields
from tests.annex.workbooks import Layout, build

ROW = 8  # the first project row: 武陟县煤电机组节能供热改造, 总投资 48,560 万元
OTHER = 9  # 孟州市开发区热源改造, 总投资 43,200 万元
NAME, OTHER_NAME = "武陟县煤电机组节能供热改造", "孟州市开发区热源改造"


def _workbook(
    base: bytes, header, cells: dict[int, object], above: str | None = None, sub: str | None = None
) -> bytes:
    """base with one more column at its right: header over rows 3–4 (or header on row 3 and sub on
    row 4), values by Excel row, and an optional line of text in row 2."""
    wb = openpyxl.load_workbook(io.BytesIO(base))
    ws = wb.worksheets[0]
    column = ws.max_column + 1
    if sub is None:
        ws.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    else:
        ws.cell(4, column, sub)
    ws.cell(3, column, header)
    for row, value in cells.items():
        ws.cell(row, column, value)
    if above is not None:
        ws.cell(2, 1, above)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _shipped(header, cells, **kw) -> bytes:
    return _workbook(ANNEX.read_bytes(), header, cells, **kw)


def _stored(name: str) -> tuple[Decimal | None, date | None]:
    session.expire_all()
    project = session.scalar(select(Project).where(Project.name == name))
    return project.pre_tracking_invested_wan, project.pre_tracking_as_of


def _import(data: bytes, dry_run: bool = False):
    report = import_annex(None, data, "pre.xlsx", plan(), dry_run=dry_run)
    session.commit()
    return report


@pytest.fixture
def register(app):
    """The shipped annex imported: 86 projects, none with completed investment before tracking."""
    assert _import(ANNEX.read_bytes()).counts["created"] == 86


@pytest.mark.parametrize(
    "text, expected",
    [
        ("截至2020年底累计完成投资", date(2020, 12, 31)),
        ("截止2020年末已完成投资", date(2020, 12, 31)),
        ("累计完成投资(截至2021年6月)", date(2021, 6, 30)),
        ("截至2021年6月底开工至今完成投资", date(2021, 6, 30)),
        ("数据截至2020年12月31日", date(2020, 12, 31)),
        ("截至2020.9.30", date(2020, 9, 30)),
        ("截至2020年", date(2020, 12, 31)),
        ("至2022年2月累计完成投资", date(2022, 2, 28)),
        ("开工至今完成投资", None),
        ("截至2020年13月", None),
    ],
)
def test_the_as_of_date_is_read_from_the_words_offices_use(text, expected):
    assert find_as_of(text)[0] == expected


def test_the_date_phrase_comes_off_the_header_before_it_is_matched():
    assert without_as_of("截至2020年底累计完成投资") == "累计完成投资"
    assert without_as_of("累计完成投资(截至2020年底，") == "累计完成投资"


@pytest.mark.parametrize(
    "header, sub, above, value, amount, as_of",
    [
        ("截至2020年底累计完成投资", None, None, 12000, "12000", date(2020, 12, 31)),
        ("截至2020年底累计完成投资（亿元）", None, None, 1.25, "12500", date(2020, 12, 31)),
        ("开工至今完成投资（万元）", None, "数据截至2021年6月30日", "8,500.5", "8500.5", date(2021, 6, 30)),
        ("累计完成投资（截至2020年12月31日，万元）", None, None, 300, "300", date(2020, 12, 31)),
        ("截至2021年3月", "开工以来累计完成投资", None, 40, "40", date(2021, 3, 31)),
    ],
    ids=["date-in-header", "yi-yuan-in-header", "date-line-above", "date-in-brackets", "two-row-header"],
)
def test_header_variants_store_the_amount_and_its_date_where_planners_enter_it(
    register, header, sub, above, value, amount, as_of
):
    report = _import(_shipped(header, {ROW: value}, above=above, sub=sub))
    assert report.ok, [i.message for i in report.errors]
    assert not [i for i in report.issues if i.code == "unknown-column"]
    assert _stored(NAME) == (Decimal(amount), as_of)
    assert _stored(OTHER_NAME) == (None, None)  # a blank cell says nothing
    assert report.counts["updated"] == 1
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "project.import_update"))
    assert entry.after == {
        "pre_tracking_invested_wan": float(amount) if "." in amount else int(amount),
        "pre_tracking_as_of": as_of.isoformat(),
    }
    assert entry.before == {"pre_tracking_invested_wan": None, "pre_tracking_as_of": None}
    assert _import(_shipped(header, {ROW: value}, above=above, sub=sub)).counts["updated"] == 0


def test_a_units_line_in_yi_yuan_scales_the_column_and_a_line_above_gives_its_date(register):
    """The whole annex in 亿元 (单位：亿元 line) with 开工至今完成投资 beside it."""
    data = _workbook(build(Layout(scale="亿元")), "开工至今完成投资", {ROW: 0.9}, above="数据截至2020年底")
    report = _import(data)
    assert report.ok, [i.message for i in report.errors]
    assert _stored(NAME) == (Decimal(9000), date(2020, 12, 31))


def test_new_projects_get_it_on_creation(app):
    report = _import(_shipped("截至2020年底累计完成投资", {ROW: 500, OTHER: "—"}))
    assert report.ok and report.counts["created"] == 86
    assert _stored(NAME) == (Decimal(500), date(2020, 12, 31))
    assert _stored(OTHER_NAME) == (None, None)
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "project.import_create", AuditEntry.summary.contains(NAME)
        )
    )
    assert entry.after["pre_tracking_invested_wan"] == 500
    assert entry.after["pre_tracking_as_of"] == "2020-12-31"


def test_the_dry_run_shows_a_change_to_a_planners_entry_field_by_field_and_writes_nothing(register):
    project = session.scalar(select(Project).where(Project.name == NAME))
    set_pre_tracking(None, project, Decimal(8000), date(2020, 6, 30))
    session.commit()
    data = _shipped("截至2020年底累计完成投资", {ROW: 9000})
    preview = _import(data, dry_run=True)
    [changed] = [p for p in preview.projects if p.action == "updated"]
    assert changed.name == NAME
    assert changed.changes == {
        "pre_tracking_invested_wan": (Decimal(8000), Decimal(9000)),
        "pre_tracking_as_of": (date(2020, 6, 30), date(2020, 12, 31)),
    }
    assert display_value(changed.changes["pre_tracking_as_of"][1]) == "2020年12月31日"
    assert preview.to_dict()["projects"][0]["changes"]["pre_tracking_invested_wan"] == {
        "old": 8000,
        "new": 9000,
    }
    assert _stored(NAME) == (Decimal(8000), date(2020, 6, 30))
    # a file whose cell is blank keeps the planner's entry
    assert _import(_shipped("截至2020年底累计完成投资", {OTHER: 1})).counts["updated"] == 1
    assert _stored(NAME) == (Decimal(8000), date(2020, 6, 30))


def test_the_preview_page_names_the_field_shows_old_and_new_and_confirm_writes_it(
    register, users, role_client
):
    project = session.scalar(select(Project).where(Project.name == NAME))
    set_pre_tracking(None, project, Decimal(8000), date(2020, 6, 30))
    session.commit()
    client = role_client("planner")
    response = client.post(
        "/annex/upload",
        data={
            "plan_id": str(plan().id),
            "file": (io.BytesIO(_shipped("截至2020年底累计完成投资", {ROW: 9000})), "pre.xlsx"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "纳入系统前已完成投资（万元）：" in html
    assert '8,000.00</span> → <span class="diff-new">9,000.00' in html
    assert '2020年6月30日</span> → <span class="diff-new">2020年12月31日' in html
    # the web's confirm step writes it (no 调整理由 is asked: it is not a plan adjustment)
    done = client.post("/annex/confirm", data=_confirm_fields(html))
    assert done.status_code == 302
    assert _stored(NAME) == (Decimal(9000), date(2020, 12, 31))


def test_a_column_without_an_as_of_date_is_refused_once_and_nothing_is_written(register):
    report = _import(_shipped("开工至今完成投资", {ROW: 100, OTHER: 200}))
    assert not report.ok
    [error] = [i for i in report.errors]
    assert error.code == "pre-tracking-no-date" and error.column == "R"
    assert "“开工至今完成投资”列没有注明截至日期" in error.message
    assert _stored(NAME) == (None, None)


@pytest.mark.parametrize(
    "value, code",
    [
        (-5, "negative-money"),
        ("-5", "negative-money"),
        ("很多", "bad-money"),
        ("inf", "bad-money"),
        ("NaN", "bad-money"),
        (1e300, "bad-money"),
        ("1e9", "bad-money"),
    ],
)
def test_hostile_amounts_are_errors_on_their_cell(register, value, code):
    report = _import(_shipped("截至2020年底累计完成投资", {ROW: value}))
    assert [(i.code, i.row, i.column) for i in report.errors] == [(code, ROW, "R")]
    assert _stored(NAME) == (None, None)


def test_more_than_the_total_is_kept_with_a_warning(register):
    report = _import(_shipped("截至2020年底累计完成投资", {ROW: 50000}))
    assert report.ok
    [warning] = [i for i in report.issues if i.code == "pre-tracking-exceeds-total"]
    assert (warning.row, warning.column, warning.severity) == (ROW, "R", "warning")
    assert warning.message == "纳入系统前已完成投资 50,000.00 万元超过总投资 48,560.00 万元，请核对。"
    assert _stored(NAME) == (Decimal(50000), date(2020, 12, 31))


def test_an_as_of_date_after_the_plan_is_refused(register):
    report = _import(_shipped("截至2030年底累计完成投资", {ROW: 5}))
    assert [i.code for i in report.errors] == ["implausible-year"]
    assert _stored(NAME) == (None, None)
