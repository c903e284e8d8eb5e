"""The review queue: submitted reports waiting for a planner, oldest first, by county and category."""

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from portfolio.db import session
from portfolio.numbers import parse_int
from portfolio.projects.models import Project, ProjectLocation, ProjectUnit
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport


@dataclass(frozen=True)
class QueueFilter:
    county_id: int | None = None
    category_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "QueueFilter":
        return cls(args.get("county", type=parse_int), args.get("category", type=parse_int))

    def args(self) -> dict:
        """The filter as URL query arguments (for links that keep it)."""
        return {k: v for k, v in (("county", self.county_id), ("category", self.category_id)) if v}


def _queued(filters: QueueFilter):
    stmt = (
        select(StatusReport)
        .join(Project, Project.id == StatusReport.project_id)
        .join(ReportingPeriod, ReportingPeriod.id == StatusReport.period_id)
        .where(StatusReport.status == ReportStatus.SUBMITTED)
    )
    if filters.category_id:
        stmt = stmt.where(Project.category_id == filters.category_id)
    if filters.county_id:
        stmt = stmt.where(
            exists().where(
                ProjectLocation.project_id == Project.id, ProjectLocation.location_id == filters.county_id
            )
        )
    return stmt


def _order():
    return (StatusReport.submitted_at, StatusReport.id)


def count_review_queue(filters: QueueFilter = QueueFilter()) -> int:
    """How many submitted reports match the filter."""
    return session.scalar(_queued(filters).with_only_columns(func.count(StatusReport.id))) or 0


def list_review_queue(
    filters: QueueFilter = QueueFilter(), limit: int = 50, offset: int = 0
) -> list[StatusReport]:
    """Submitted reports, oldest submission first, with project and period loaded (two statements)."""
    stmt = (
        _queued(filters)
        .options(
            contains_eager(StatusReport.project).options(
                selectinload(Project.locations),
                selectinload(Project.category),
                selectinload(Project.unit_links).joinedload(ProjectUnit.unit),
            ),
            contains_eager(StatusReport.period),
            selectinload(StatusReport.submitted_by),
        )
        .order_by(*_order())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt))


def get_next_in_queue(report: StatusReport, filters: QueueFilter = QueueFilter()) -> int | None:
    """The id of the submitted report after this one in the queue (wrapping to the oldest), else None."""
    after = _queued(filters).where(StatusReport.id != report.id)
    if report.submitted_at is not None:
        later = or_(
            StatusReport.submitted_at > report.submitted_at,
            and_(StatusReport.submitted_at == report.submitted_at, StatusReport.id > report.id),
        )
        found = session.scalar(
            after.where(later).with_only_columns(StatusReport.id).order_by(*_order()).limit(1)
        )
        if found is not None:
            return found
    return session.scalar(after.with_only_columns(StatusReport.id).order_by(*_order()).limit(1))
