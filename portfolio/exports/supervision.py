"""The supervision list (督办清单): red and yellow projects, why, who leads, how far behind, last report."""

from collections.abc import Sequence
from datetime import date

from portfolio.exports.progress_sheet import SheetRow, units_lead_first, write_rows
from portfolio.exports.sheet_layout import (
    Book,
    Column,
    field_column,
    setup_page,
    write_header,
    write_heading,
    write_notes,
)
from portfolio.localtime import local_today, to_local
from portfolio.projects.models import Project
from portfolio.reporting.progress import ProjectProgress
from portfolio.reporting.warnings import Level

FLAGGED = (Level.RED, Level.YELLOW)

COLUMNS = [
    Column("seq", "序号", 6, "center"),
    field_column("name", 30),
    field_column("locations", 10, "center"),
    field_column("lead_unit", 18),
    Column("warning", "预警等级", 10, "center"),
    Column("reason", "预警原因", 26),
    Column("expected_pct", "序时进度（%）", 10, "rate", "进度对比"),
    Column("actual_pct", "实际进度（%）", 10, "rate", "进度对比"),
    Column("behind_points", "落后（百分点）", 10, "rate", "进度对比"),
    Column("days_behind", "落后天数", 9, "int", "进度对比"),
    Column("last_period", "期次", 10, "center", "最近一次审核通过的报告"),
    Column("last_reviewed", "审核日期", 12, "center", "最近一次审核通过的报告"),
    Column("problems", "存在问题", 28),
    Column("next_steps", "下步计划", 28),
    Column("item_code", "督办编号", 16, "center", "督办事项"),
    Column("item_state", "办理状态", 10, "center", "督办事项"),
    Column("item_answer", "答复情况", 30, "text", "督办事项"),
]


NOTE_KEYS = ("counted_reports", "expected_pct", "behind_points", "days_behind", "started")


def item_values(item, today: date) -> dict:
    """The 督办 item's number, state and latest answer, as the sheet shows them."""
    if item is None:
        return {"item_code": "—", "item_state": "未督办", "item_answer": None}
    answer = item.last_answer
    state = item.state.label + ("（已逾期）" if item.is_overdue(today) else "")
    text = f"{answer.measures_taken}（进展：{answer.progress}）" if answer else "尚未答复"
    return {"item_code": item.code, "item_state": state, "item_answer": text}


def supervision_rows(
    projects: Sequence[Project],
    progress: dict[int, ProjectProgress],
    items: dict | None = None,
    today: date | None = None,
) -> list[SheetRow]:
    """Red before yellow, the furthest behind first; then projects under an open 督办 item of any colour."""
    items = items or {}
    today = today or local_today()
    flagged = [
        p
        for p in projects
        if progress[p.id].warning.level in FLAGGED or (p.id in items and items[p.id].is_open)
    ]
    flagged.sort(
        key=lambda p: (
            FLAGGED.index(progress[p.id].warning.level) if progress[p.id].warning.level in FLAGGED else 2,
            -(progress[p.id].warning.behind_points or 0),
            p.id,
        )
    )
    rows = []
    for seq, project in enumerate(flagged, start=1):
        prog = progress[project.id]
        warning = prog.warning
        lead = project.lead_unit
        reviewed: date | None = to_local(prog.last_reviewed_at).date() if prog.last_reviewed_at else None
        values = {
            "seq": seq,
            "name": project.name,
            "locations": "、".join(loc.name for loc in project.locations),
            "lead_unit": lead.name if lead else units_lead_first(project),
            "warning": warning.label,
            "reason": warning.reason,
            "expected_pct": warning.expected_pct,
            "actual_pct": warning.actual_pct,
            "behind_points": warning.behind_points,
            "days_behind": warning.days_behind,
            "last_period": prog.last_period_code or "无",
            "last_reviewed": reviewed.isoformat() if reviewed else "—",
            "problems": prog.problems,
            "next_steps": prog.next_steps,
        } | item_values(items.get(project.id), today)
        rows.append(SheetRow("project", values, warning.level.value))
    return rows


def write_supervision_sheet(
    book: Book, title: str, unit_line: str, date_line: str, rows: list[SheetRow]
) -> None:
    ws = book.sheet("督办清单")
    header_row = write_heading(
        book, ws, title, unit_line, f"{date_line}　　共 {len(rows)} 个项目", len(COLUMNS)
    )
    body = write_header(book, ws, header_row, COLUMNS)
    after = write_rows(book, ws, body, COLUMNS, rows)
    write_notes(book, ws, after, COLUMNS, NOTE_KEYS)
    setup_page(ws, header_row, body - 1)
