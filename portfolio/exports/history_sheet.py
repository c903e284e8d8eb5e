"""The status-history sheet (进度历史表): the grid page's projects × periods, every row, as one workbook.

One row per project; for each period its warning (filled in the warning's colour), the state of its report,
the percent complete and the approved investment in it. House style from sheet_layout (A3 landscape,
header rows repeated, 口径说明 under the table); the figures are the page's (projects.history_grid).
"""

from datetime import date

from portfolio.exports.sheet_layout import (
    CITY,
    LEVEL_FILLS,
    Book,
    Column,
    ExportFile,
    chinese_date,
    field_column,
    fit_row_height,
    period_label,
    reporting_unit,
    setup_page,
    write_header,
    write_heading,
    write_notes,
    write_number,
    write_text,
)
from portfolio.localtime import local_today
from portfolio.projects.history_grid import GridFilters, HistoryGrid, get_history_grid
from portfolio.reporting.progress_history import HistoryCell

NOTE_KEYS = ("report_state", "counted_reports", "period_invested", "expected_pct", "behind_points")
LEAD = (
    "每期与该期调度表一致：预警按截至该期期末已通过的报告和期末序时进度判断；报告为该期本身报告的状态；"
    "完成比例为截至期末最近一次已通过的完成比例；本期完成投资只计该期已通过的报告。"
)
FIXED = 5  # columns before the periods


def history_columns(grid: HistoryGrid) -> list[Column]:
    columns = [
        Column("seq", "序号", 6, "center"),
        field_column("name", 30),
        field_column("locations", 10, "center"),
        field_column("lead_unit", 16),
        field_column("status", 8, "center"),
    ]
    for p in grid.periods:
        group = period_label(p)
        columns += [
            Column(f"{p.id}:level", "预警", 9, "center", group),
            Column(f"{p.id}:state", "报告", 7, "center", group),
            Column(f"{p.id}:percent", "完成比例（%）", 8, "rate", group),
            Column(f"{p.id}:invested", "本期完成投资", 11, "money", group),
        ]
    return columns


def _fixed_values(seq: int, project) -> dict:
    return {
        "seq": seq,
        "name": project.name,
        "locations": project.locations,
        "lead_unit": project.lead_units,
        "status": project.status.label,
    }


def _write_cell(book: Book, ws, r: int, c: int, cell: HistoryCell) -> None:
    fill = LEVEL_FILLS.get(cell.level.value)
    write_text(book, ws, r, c, cell.level.label, "center", fill=fill)
    write_text(book, ws, r, c + 1, cell.state.label, "center")
    write_number(book, ws, r, c + 2, cell.percent, "rate")
    if cell.invested_wan is None:
        write_text(book, ws, r, c + 3, "未报送", "center")
    else:
        write_number(book, ws, r, c + 3, cell.invested_wan, "money")


def _write_rows(book: Book, ws, first_row: int, columns: list[Column], grid: HistoryGrid) -> int:
    for seq, row in enumerate(grid.rows, start=1):
        r = first_row + seq - 1
        values = _fixed_values(seq, row.project)
        fit_row_height(ws, r, values, columns[:FIXED])
        for c, column in enumerate(columns[:FIXED]):
            if isinstance(values[column.key], int):
                write_number(book, ws, r, c, values[column.key], "int")
            else:
                write_text(book, ws, r, c, values[column.key], column.style)
        for i, cell in enumerate(row.cells):
            _write_cell(book, ws, r, FIXED + 4 * i, cell)
    return first_row + len(grid.rows)


def sheet_span(grid: HistoryGrid) -> str:
    if not grid.periods:
        return "尚无填报期间"
    first, last = grid.periods[0], grid.periods[-1]
    return period_label(last) if first is last else f"{period_label(first)}—{period_label(last)}"


def export_history(actor, filters: GridFilters, today: date | None = None) -> ExportFile:
    """The status-history sheet of the user's visible projects under the grid page's filters."""
    today = today or local_today()
    grid = get_history_grid(actor, filters, today)
    columns = history_columns(grid)
    book = Book()
    ws = book.sheet("进度历史表")
    title = f"{CITY}“{grid.plan.short_name}”生态环境保护重大工程项目进度历史表（{sheet_span(grid)}）"
    right = f"日期：{chinese_date(today)}　　单位：万元"
    header_row = write_heading(book, ws, title, f"填报单位：{reporting_unit(actor)}", right, len(columns))
    body = write_header(book, ws, header_row, columns)
    after = _write_rows(book, ws, body, columns, grid)
    write_notes(book, ws, after, columns, NOTE_KEYS, f"共 {grid.total} 个项目。{LEAD}")
    setup_page(ws, header_row, body - 1)
    last = grid.periods[-1].code if grid.periods else "none"
    return ExportFile(
        book.close(),
        f"{grid.plan.short_name}重大工程项目进度历史表_{sheet_span(grid)}.xlsx",
        f"history-{last}.xlsx",
    )
