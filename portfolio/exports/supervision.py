"""The supervision list (督办清单): red and yellow projects, why, who leads, how far behind, last report."""

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portfolio.exports.progress_sheet import SheetRow, units_lead_first, write_rows
from portfolio.exports.sheet_layout import Book, Column, setup_page, write_header, write_heading
from portfolio.localtime import to_local
from portfolio.projects.models import Project
from portfolio.reporting.periods import month_end
from portfolio.reporting.progress import ProjectProgress
from portfolio.reporting.warnings import Level

FLAGGED = (Level.RED, Level.YELLOW)

COLUMNS = [
    Column("seq", "序号", 6, "center"),
    Column("name", "项目名称", 30),
    Column("location", "建设地点", 10, "center"),
    Column("lead_unit", "牵头单位", 18),
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
]


def days_behind(project: Project, progress: ProjectProgress) -> int | None:
    """The points behind schedule as days of the planned construction period."""
    behind = progress.warning.behind_points
    if behind is None or project.planned_start is None or project.planned_end is None:
        return None
    last_day = month_end(project.planned_end.year, project.planned_end.month)
    duration = (last_day - project.planned_start).days + 1
    return int((behind * duration / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def supervision_rows(projects: Sequence[Project], progress: dict[int, ProjectProgress]) -> list[SheetRow]:
    """Red before yellow, the furthest behind first."""
    flagged = [p for p in projects if progress[p.id].warning.level in FLAGGED]
    flagged.sort(
        key=lambda p: (
            FLAGGED.index(progress[p.id].warning.level),
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
            "location": "、".join(loc.name for loc in project.locations),
            "lead_unit": lead.name if lead else units_lead_first(project),
            "warning": warning.label,
            "reason": warning.reason,
            "expected_pct": warning.expected_pct,
            "actual_pct": warning.actual_pct,
            "behind_points": warning.behind_points,
            "days_behind": days_behind(project, prog),
            "last_period": prog.last_period_code or "无",
            "last_reviewed": reviewed.isoformat() if reviewed else "—",
            "problems": prog.problems,
            "next_steps": prog.next_steps,
        }
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
    write_rows(book, ws, body, COLUMNS, rows)
    setup_page(ws, header_row, body - 1)
