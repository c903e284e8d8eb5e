"""The 规划调整情况表 (.xlsx): each adjusted project baseline → current, who, when, why, and the totals."""

from datetime import date
from decimal import Decimal

from portfolio.adjustments.display import change_text
from portfolio.adjustments.queries import AdjustedProject, AdjustmentReport
from portfolio.exports.sheet_layout import (
    Book,
    Column,
    ExportFile,
    chinese_date,
    field_column,
    fit_row_height,
    setup_page,
    write_header,
    write_heading,
    write_notes,
    write_number,
    write_text,
)
from portfolio.fields import FIELDS
from portfolio.localtime import to_local

COLUMNS = [
    Column("seq", "序号", 6, "center"),
    field_column("name", 30),
    Column("kind", "调整类型", 8, "center"),
    Column("changes", "调整内容（基线 → 现行）", 40),
    Column("baseline_total", "基线", 12, "money", FIELDS["total_investment_wan"].label_with_unit),
    Column("current_total", "现行", 12, "money", FIELDS["total_investment_wan"].label_with_unit),
    Column("baseline_span", "基线", 12, "money", FIELDS["span_investment_wan"].label_with_unit),
    Column("current_span", "现行", 12, "money", FIELDS["span_investment_wan"].label_with_unit),
    Column("reason", "调整原因", 26),
    Column("doc_number", "调整文号", 16, "center"),
    Column("by", "调整人及时间", 18),
]


def _value(values: dict | None, key: str):
    if not values or not values.get("member") or values.get(key) is None:
        return None
    return Decimal(values[key])


def row_values(seq: int, row: AdjustedProject) -> dict:
    events = row.adjustments
    return {
        "seq": seq,
        "name": row.name,
        "kind": row.kind.label,
        "changes": change_text(row.baseline, row.current, row.fields)
        if row.fields
        else row.kind.label + "项目",
        "baseline_total": _value(row.baseline, "total_investment_wan"),
        "current_total": _value(row.current, "total_investment_wan"),
        "baseline_span": _value(row.baseline, "span_investment_wan"),
        "current_span": _value(row.current, "span_investment_wan"),
        "reason": "\n".join(e.reason for e in events) or "（基线后未经记录的调整）",
        "doc_number": "\n".join(e.doc_number for e in events),
        "by": "\n".join(
            f"{e.user.display_name if e.user else '系统'} {to_local(e.at):%Y-%m-%d %H:%M}" for e in events
        ),
    }


def _totals(report: AdjustmentReport) -> dict:
    b, c = report.baseline_totals, report.current_totals
    return {
        "name": f"合计：基线 {b.count} 个项目，现行 {c.count} 个",
        "kind": f"新增 {report.added}\n调出 {report.withdrawn}\n调整 {report.changed}",
        "baseline_total": b.total_wan,
        "current_total": c.total_wan,
        "baseline_span": b.span_wan,
        "current_span": c.span_wan,
    }


def _write_row(book: Book, ws, r: int, values: dict, tint: str | None = None) -> None:
    fit_row_height(ws, r, values, COLUMNS)
    for c, column in enumerate(COLUMNS):
        value = values.get(column.key)
        if column.style == "money":
            write_number(book, ws, r, c, value, "money", tint=tint)
        elif isinstance(value, int):
            write_number(book, ws, r, c, value, "int", tint=tint)
        else:
            write_text(book, ws, r, c, value, column.style, tint=tint)


def export_adjustments(report: AdjustmentReport, today: date) -> ExportFile:
    """The plan's adjustments as a formatted, printable workbook."""
    book = Book()
    ws = book.sheet("规划调整情况表")
    plan = report.plan
    frozen = (
        f"基线：{to_local(report.baseline.frozen_at):%Y年%m月%d日}冻结" if report.baseline else "尚未建立基线"
    )
    header_row = write_heading(
        book,
        ws,
        f"{plan.name}重大工程项目规划调整情况表",
        frozen,
        f"日期：{chinese_date(today)}",
        len(COLUMNS),
    )
    body = write_header(book, ws, header_row, COLUMNS)
    _write_row(book, ws, body, _totals(report), tint="total")
    for seq, row in enumerate(report.rows, start=1):
        _write_row(book, ws, body + seq, row_values(seq, row))
    write_notes(book, ws, body + len(report.rows), COLUMNS, ("plan_baseline",))
    setup_page(ws, header_row, body - 1)
    return ExportFile(book.close(), f"{plan.short_name}规划调整情况表.xlsx", "plan-adjustments.xlsx")
