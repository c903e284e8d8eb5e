"""The 催报 list as a workbook: the late projects of a period, and the counts by county."""

from datetime import date

from portfolio.definitions.reports import report_state
from portfolio.exports.sheet_layout import (
    ORGANISATION,
    Book,
    Column,
    ExportFile,
    chinese_date,
    field_column,
    fit_row_height,
    period_label,
    setup_page,
    write_header,
    write_heading,
    write_notes,
    write_number,
    write_text,
)
from portfolio.reporting.queries import Reminders

PROJECT_COLUMNS = [
    Column("seq", "序号", 6, "center"),
    field_column("name", 36),
    field_column("locations", 14, "center"),
    field_column("lead_unit", 22),
    Column("state", "报送情况", 14, "center"),
]
COUNTY_COLUMNS = [
    Column("county", "县区", 16, "center"),
    Column("behind", "未报送项目", 12, "int"),
    Column("expected", "应报项目", 12, "int"),
]


# Which reports this list counts: the one word of its title, said once under the table.
NOT_SUBMITTED = "本清单列出本期报告为未填报、草稿或已退回的项目；待审核和已通过的报告已报送，不在清单内。"
CROSS_COUNTY = "跨县区的项目在所涉每个县区各计一次。"


def state_of(report) -> str:
    """The report's state in the five words every page and sheet uses (definitions: report_state)."""
    return report_state(report.status if report is not None else None).label


def export_reminder_list(data: Reminders, today: date) -> ExportFile:
    """The late projects and the counts by county of one period, as a two-sheet .xlsx."""
    period = data.period
    book = Book()
    title = f"{period.plan.short_name}重大工程项目{period_label(period)}未报送清单"
    right = f"报送截止：{chinese_date(period.deadline)}　导出日期：{chinese_date(today)}"
    ws = book.sheet("未报送项目")
    row = write_header(
        book, ws, write_heading(book, ws, title, f"填报单位：{ORGANISATION}", right, 5), PROJECT_COLUMNS
    )
    setup_page(ws, 2, row - 1)
    for seq, (project, report) in enumerate(data.missing, start=1):
        values = {
            "seq": str(seq),
            "name": project.name,
            "locations": "、".join(loc.name for loc in project.locations) or "未定地点",
            "lead_unit": project.lead_unit.name if project.lead_unit else "",
            "state": state_of(report),
        }
        for col, column in enumerate(PROJECT_COLUMNS):
            write_text(book, ws, row, col, values[column.key], column.style)
        fit_row_height(ws, row, values, PROJECT_COLUMNS)
        row += 1
    write_notes(book, ws, row, PROJECT_COLUMNS, ("report_state",), NOT_SUBMITTED)  # a blank row above
    counties = book.sheet("按县区统计")
    crow = write_header(book, counties, 0, COUNTY_COLUMNS)
    for count in data.by_county:
        write_text(book, counties, crow, 0, count.name, "center")
        write_number(book, counties, crow, 1, count.behind, "int")
        write_number(book, counties, crow, 2, count.expected, "int")
        crow += 1
    write_notes(book, counties, crow, COUNTY_COLUMNS, ("report_state",), NOT_SUBMITTED, CROSS_COUNTY)
    name = f"未报送清单-{period.plan.short_name}-{period.code}.xlsx"
    return ExportFile(book.close(), name, f"reminders-{period.code}.xlsx")
