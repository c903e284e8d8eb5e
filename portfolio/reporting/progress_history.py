"""Status history: projects' periods side by side, each with its warning, percent complete, investment
and the state of the period's report.

Each cell is the project as of its period's end, read from the progress read model (ProgressRow): the
same picture as that period's 调度表 and the dashboard for that period, the period under way included
(judged against the 序时进度 of its end, as its 调度表 is). A fixed number of statements per CHUNK
projects, however many periods.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portfolio.db import money, session
from portfolio.definitions.reports import ReportState, report_state
from portfolio.reporting.models import ProgressRow, ReportingPeriod, StatusReport
from portfolio.reporting.progress import get_thresholds, warning_without_report
from portfolio.reporting.progress_model import CHUNK
from portfolio.reporting.selection import list_history_periods
from portfolio.reporting.warnings import Level

HISTORY_PERIODS = 8  # the project page's cells; the grid page lets the user choose
HISTORY_SPANS = (4, 8, 12)


@dataclass(frozen=True)
class HistoryCell:
    period_code: str
    level: Level
    reason: str
    percent: Decimal | None  # the latest approved percent complete as of the period's end
    invested_wan: Decimal | None  # approved investment in the period; None when nothing approved in it
    state: ReportState  # the period's own report: 未填报, 草稿, 待审核, 已退回 or 已通过


def history_cells(projects: Sequence, periods: Sequence[ReportingPeriod]) -> dict[int, list[HistoryCell]]:
    """project id → one cell per period (in the order given), each judged as of the period's end.

    `projects` may be ORM objects or rows with id, plan_id, status, planned_start and planned_end.
    """
    result: dict[int, list[HistoryCell]] = {p.id: [] for p in projects}
    for start in range(0, len(projects), CHUNK):
        chunk = projects[start : start + CHUNK]
        ids = [p.id for p in chunk]
        states = _states(ids, periods)
        rows = _rows(ids, periods)
        thresholds = get_thresholds()
        for period in periods:
            for project in chunk:
                state = states.get((project.id, period.id), ReportState.MISSING)
                row = rows.get((project.id, period.id))
                cell = (
                    _row_cell(period, row, state) if row else _empty_cell(project, period, state, thresholds)
                )
                result[project.id].append(cell)
    return result


def _states(ids: list[int], periods) -> dict[tuple[int, int], ReportState]:
    stmt = select(StatusReport.project_id, StatusReport.period_id, StatusReport.status).where(
        StatusReport.project_id.in_(ids), StatusReport.period_id.in_([p.id for p in periods])
    )
    return {(pid, period_id): report_state(status) for pid, period_id, status in session.execute(stmt)}


def _rows(ids: list[int], periods) -> dict[tuple[int, int], tuple]:
    stmt = select(
        ProgressRow.project_id,
        ProgressRow.period_id,
        ProgressRow.level,
        ProgressRow.reason,
        ProgressRow.percent_complete,
        ProgressRow.period_invested_wan,
        ProgressRow.reported_in_period,
    ).where(ProgressRow.project_id.in_(ids), ProgressRow.period_id.in_([p.id for p in periods]))
    return {(row[0], row[1]): row[2:] for row in session.execute(stmt)}


def _row_cell(period, row: tuple, state: ReportState) -> HistoryCell:
    level, reason, percent, invested, reported = row
    return HistoryCell(
        period.code, Level(level), reason, percent, money(invested) if reported else None, state
    )


def _empty_cell(project, period, state: ReportState, thresholds) -> HistoryCell:
    """Nothing approved by the period's end: the colour follows from the status alone."""
    warning = warning_without_report(
        project.status, project.planned_start, project.planned_end, period.ends_on, thresholds
    )
    return HistoryCell(period.code, warning.level, warning.reason, None, None, state)


def list_status_history(project, today: date, count: int = HISTORY_PERIODS) -> list[HistoryCell]:
    """The project page's cells: its plan's last `count` periods begun by today, oldest first."""
    periods = list_history_periods(project.plan, today, None, count)
    return history_cells([project], periods)[project.id]
