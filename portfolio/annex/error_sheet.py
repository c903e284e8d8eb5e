"""The error report workbook: a list of every issue, then each sheet as read with offending cells marked."""

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string

from portfolio.annex.reader import Sheet
from portfolio.annex.report import ERROR, ImportReport, display_value

RED = PatternFill("solid", fgColor="F8C9C9")
YELLOW = PatternFill("solid", fgColor="FCEBB6")
BOLD = Font(bold=True)
LIST_HEADERS = ("级别", "代码", "工作表", "行", "列", "表头", "原值", "说明")
FORMULA_START = ("=", "+", "-", "@")


def build_error_workbook(report: ImportReport, sheets: list[Sheet]) -> bytes:
    """An .xlsx the office can fix from: 问题清单 first, then its own sheets with the cells marked."""
    wb = Workbook()
    listing = wb.active
    listing.title = "问题清单"
    listing.append(LIST_HEADERS)
    for cell in listing[1]:
        cell.font = BOLD
    for issue in sorted(report.issues, key=lambda i: (i.severity != ERROR, i.sheet or "", i.row or 0)):
        values = (
            "错误" if issue.severity == ERROR else "提示",
            issue.code,
            issue.sheet,
            issue.row,
            issue.column,
            issue.header,
            _text(issue.value),
            issue.message,
        )
        listing.append(values)
        fill = RED if issue.severity == ERROR else YELLOW
        for cell in listing[listing.max_row]:
            cell.fill = fill
            _keep_text(cell)
    for width, letter in zip((6, 20, 16, 6, 5, 22, 24, 70), "ABCDEFGH", strict=True):
        listing.column_dimensions[letter].width = width
    by_sheet: dict[str, list] = {}
    for issue in report.issues:
        if issue.sheet and issue.row:
            by_sheet.setdefault(issue.sheet, []).append(issue)
    for sheet in sheets:
        _copy_sheet(wb, sheet, by_sheet.get(sheet.name, []))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _copy_sheet(wb: Workbook, sheet: Sheet, issues: list) -> None:
    ws = wb.create_sheet(_title(wb, sheet.name))
    for row_no, cells in sheet.rows:
        for col, value in enumerate(cells, start=1):
            if value is not None:
                _keep_text(ws.cell(row=row_no, column=col, value=value))
    notes: dict[tuple[int, int], list[str]] = {}
    for issue in issues:
        col = column_index_from_string(issue.column) if issue.column else 1
        notes.setdefault((issue.row, col), []).append(issue)
    for (row, col), found in notes.items():
        cell = ws.cell(row=row, column=col)
        cell.fill = RED if any(i.severity == ERROR for i in found) else YELLOW
        cell.comment = Comment("\n".join(f"[{i.code}] {i.message}" for i in found)[:2000], "导入检查")


def _title(wb: Workbook, name: str) -> str:
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
    while title in wb.sheetnames:
        title = title[:28] + "_2"
    return title


def _text(value):
    return None if value is None else display_value(value)


def _keep_text(cell) -> None:
    """Text that starts like a formula stays text in the report (no formula injection)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"
