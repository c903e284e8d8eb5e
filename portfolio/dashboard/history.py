"""Status history: a project's last periods side by side, each with its warning, percent and investment."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portfolio.db import session
from portfolio.projects.models import Project
from portfolio.reporting.models import ReportingPeriod
from portfolio.reporting.progress import progress_for
from portfolio.reporting.warnings import Level

HISTORY_PERIODS = 8


@dataclass(frozen=True)
class HistoryCell:
    period_code: str
    level: Level
    reason: str
    percent: Decimal | None  # the latest approved percent complete as of the period's end
    invested_wan: Decimal | None  # approved investment in the period; None when not reported in it


def list_status_history(project: Project, today: date, limit: int = HISTORY_PERIODS) -> list[HistoryCell]:
    """The project's last `limit` ended periods, oldest first, judged as of each period's end."""
    periods = list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.plan_id == project.plan_id, ReportingPeriod.starts_on <= today)
            .order_by(ReportingPeriod.ends_on.desc())
            .limit(limit)
        )
    )
    cells = []
    for period in reversed(periods):
        progress = progress_for([project], min(period.ends_on, today), period)[project.id]
        cells.append(
            HistoryCell(
                period.code,
                progress.warning.level,
                progress.warning.reason,
                progress.percent_complete,
                progress.period_invested_wan if progress.reported_in_period else None,
            )
        )
    return cells
