"""Reading exported workbooks back in tests, with openpyxl (formats, layout) and calamine (values)."""

import io
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import python_calamine

from portfolio.exports.progress_sheet import SUM_KEYS

# Zero-based column index of each figure in the progress sheet.
COLUMN_KEYS = [
    "seq",
    "name",
    "locations",
    "units",
    "years",
    "total_investment_wan",
    "span_investment_wan",
    "annual_plan",
    "period_invested",
    "year_invested",
    "completion_rate",
    "cumulative",
    "progress_text",
    "warning",
    "problems",
    "next_steps",
]
COL = {k: i for i, k in enumerate(COLUMN_KEYS)}
BODY_START = 4  # zero-based: title, unit line, two header rows


def open_xlsx(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def calamine_rows(content: bytes, sheet: str) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_name(sheet).to_python()


def row_kind(row: list) -> str:
    name = str(row[COL["name"]])
    if name.startswith("合计"):
        return "total"
    if "小计" in name:
        return "subcategory" if str(row[COL["seq"]]).startswith("（") else "category"
    return "project"


def is_note(row: list) -> bool:
    """The 口径说明 block under a table starts with the period's report counts or the 口径说明 line."""
    return str(row[0]).startswith(("本期报告：", "口径说明："))


def body(rows: list[list]) -> list[tuple[str, list]]:
    """The table's rows, up to the 口径说明 under it."""
    table = []
    for r in rows[BODY_START:]:
        if is_note(r):
            break
        if any(v not in ("", None) for v in r):
            table.append((row_kind(r), r))
    return table


def notes(rows: list[list]) -> list[str]:
    """The lines of the 口径说明 under a table."""
    start = next(i for i, r in enumerate(rows) if is_note(r))
    return [str(r[0]) for r in rows[start:] if r[0] not in ("", None)]


REPORT_STATES = ("未填报", "草稿", "待审核", "已退回")


def amount(value) -> Decimal:
    if value in ("", None) or value in REPORT_STATES:
        return Decimal(0)
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def blank(value) -> bool:
    return value in ("", None) or value in REPORT_STATES


def assert_groups_add_up(rows: list[tuple[str, list]]) -> None:
    """Every 小计 equals the sum of the project rows under it, and 合计 equals the sum of all projects;
    a column blank in every member row is blank in the group row, not 0.00; the group's 年度计划完成率
    counts only projects with an annual plan (definitions ANNUAL_RATE)."""
    checked = 0
    for kind, row in rows:
        if kind == "project":
            continue
        members = _members(rows, row)
        for key in SUM_KEYS:
            if all(blank(m[COL[key]]) for m in members):
                assert blank(row[COL[key]]), (kind, key, row[COL[key]])
                continue
            assert amount(row[COL[key]]) == sum((amount(m[COL[key]]) for m in members), Decimal(0)), (
                kind,
                key,
            )
        assert row[COL["completion_rate"]] == expected_rate(members), (kind, row[COL["name"]])
        checked += 1
    assert checked


def expected_rate(members: list[list]):
    """The group rate recomputed from the rows: planned projects' year investment over their plans."""
    planned = [m for m in members if not blank(m[COL["annual_plan"]]) and amount(m[COL["annual_plan"]])]
    plan = sum((amount(m[COL["annual_plan"]]) for m in planned), Decimal(0))
    if not plan:
        return ""
    done = sum((amount(m[COL["year_invested"]]) for m in planned), Decimal(0))
    return float((done / plan * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _members(rows: list[tuple[str, list]], head: list) -> list[list]:
    """The project rows a group row stands for: those after it, up to the next row of its level or higher."""
    start = next(i for i, (_, r) in enumerate(rows) if r is head)
    kind = rows[start][0]
    stop_at = {"total": set(), "category": {"category"}, "subcategory": {"category", "subcategory"}}[kind]
    members = []
    for other_kind, row in rows[start + 1 :]:
        if other_kind in stop_at:
            break
        if other_kind == "project":
            members.append(row)
    return members
