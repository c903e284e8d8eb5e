"""Keeping the progress read model (ProgressRow) in step with its inputs, in the same transaction.

Inputs are approved reports (status, figures, period), a project's status, planned dates and plan, the
periods of a plan and the warning thresholds. Every ORM flush that touches one of them recomputes the rows
of the projects concerned before the flush returns, so a reader in the same transaction already sees them.
Core bulk writes bypass the ORM: they call `refresh_progress` themselves.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain

from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session, attributes

from portfolio.db import money, refresh_statistics, session
from portfolio.definitions.schedule import is_started
from portfolio.projects.models import Milestone, Project, StatusChange
from portfolio.projects.status_history import status_on
from portfolio.reporting.models import ProgressRow, ReportingPeriod, ReportStatus, Setting, StatusReport
from portfolio.reporting.progress_live import START_KINDS
from portfolio.reporting.warnings import Thresholds, assess

THRESHOLDS_KEY = "warning_thresholds"
PROJECT_INPUTS = ("status", "planned_start", "planned_end", "plan_id")
PERIOD_INPUTS = ("ends_on", "year", "plan_id")
MILESTONE_INPUTS = ("kind", "actual_date", "project_id")
CHUNK = 900  # ids per IN (...) list, well under SQLite's bound-parameter limit
ZERO = Decimal(0)
_MARKS = "progress_marks"


@dataclass
class _Marks:
    """What a flush touched: objects whose ids are read after the flush has assigned them."""

    reports: list = field(default_factory=list)
    projects: set[int] = field(default_factory=set)
    periods: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(self.reports or self.projects or self.periods or self.milestones or self.everything)


def refresh_progress(project_ids=None, plan_ids=None) -> int:
    """Recompute the read model for these projects and plans (everything when both are None); rows written."""
    session.flush()
    written = _refresh(session.connection(), project_ids, plan_ids)
    if project_ids is None:
        refresh_statistics(session.connection())
    return written


def _refresh(conn, project_ids=None, plan_ids=None) -> int:
    if project_ids is None and plan_ids is None:
        return _refresh_scope(conn, None, None)
    written = 0
    for plan_id in sorted(set(plan_ids or ())):
        written += _refresh_scope(conn, None, plan_id)
    ids = sorted(set(project_ids or ()))
    for start in range(0, len(ids), CHUNK):
        written += _refresh_scope(conn, ids[start : start + CHUNK], None)
    return written


def _refresh_scope(conn, project_ids: list[int] | None, plan_id: int | None) -> int:
    """Delete and rebuild the rows of some projects, of one plan, or (both None) of every plan."""
    old = delete(ProgressRow)
    reports = (
        select(
            StatusReport.project_id,
            StatusReport.id,
            StatusReport.period_id,
            StatusReport.percent_complete,
            StatusReport.invested_wan,
            ReportingPeriod.ends_on,
            ReportingPeriod.year,
        )
        .join(ReportingPeriod, ReportingPeriod.id == StatusReport.period_id)
        .where(StatusReport.status == ReportStatus.APPROVED)
        .order_by(StatusReport.project_id, ReportingPeriod.ends_on, StatusReport.period_id)
    )
    if project_ids is not None:
        old = old.where(ProgressRow.project_id.in_(project_ids))
        reports = reports.where(StatusReport.project_id.in_(project_ids))
    elif plan_id is not None:
        periods_of_plan = select(ReportingPeriod.id).where(ReportingPeriod.plan_id == plan_id)
        old = old.where(ProgressRow.period_id.in_(periods_of_plan))
        reports = reports.where(ReportingPeriod.plan_id == plan_id)
    conn.execute(old)
    by_project = defaultdict(list)
    for row in conn.execute(reports):
        by_project[row.project_id].append(row)
    if not by_project:
        return 0
    rows = list(_rows(conn, by_project, reports))
    if rows:
        conn.execute(insert(ProgressRow.__table__), rows)
    return len(rows)


def _rows(conn, by_project: dict, reports):
    reporting = reports.with_only_columns(StatusReport.project_id).order_by(None).distinct()
    projects = conn.execute(
        select(Project.id, Project.plan_id, Project.status, Project.planned_start, Project.planned_end).where(
            Project.id.in_(reporting.scalar_subquery())
        )
    ).all()
    periods = defaultdict(list)
    plans = {p.plan_id for p in projects}
    stmt = (
        select(ReportingPeriod.id, ReportingPeriod.plan_id, ReportingPeriod.ends_on)
        .where(ReportingPeriod.plan_id.in_(plans))
        .order_by(ReportingPeriod.ends_on, ReportingPeriod.id)
    )
    for period in conn.execute(stmt):
        periods[period.plan_id].append(period)
    thresholds = _thresholds(conn)
    begun = dict(
        conn.execute(
            select(Milestone.project_id, func.min(Milestone.actual_date))
            .where(Milestone.project_id.in_(reporting.scalar_subquery()), Milestone.kind.in_(START_KINDS))
            .group_by(Milestone.project_id)
        ).all()
    )
    history = defaultdict(list)  # each period is coloured with the status in force at its end
    changes = conn.execute(
        select(
            StatusChange.project_id,
            StatusChange.from_status,
            StatusChange.to_status,
            StatusChange.effective_on,
        )
        .where(StatusChange.project_id.in_(reporting.scalar_subquery()))
        .order_by(StatusChange.effective_on, StatusChange.id)
    )
    for change in changes:
        history[change.project_id].append(change)
    for project in projects:
        first_start = begun.get(project.id)
        reports = by_project[project.id]
        periods_ = periods[project.plan_id]
        yield from _walk(project, reports, periods_, thresholds, first_start, history[project.id])


def _walk(project, reports: list, periods: list, thresholds: Thresholds, first_start, history=()):
    """One project's rows, period by period in order of their end, carrying its approved figures forward."""
    own = {r.period_id: r for r in reports}
    cumulative, by_year, latest, i = ZERO, defaultdict(lambda: ZERO), None, 0
    for period in periods:
        while i < len(reports) and reports[i].ends_on <= period.ends_on:
            latest = reports[i]
            cumulative += latest.invested_wan or ZERO
            by_year[latest.year] += latest.invested_wan or ZERO
            i += 1
        if latest is None:
            continue
        mine = own.get(period.id)
        begun = first_start is not None and first_start <= period.ends_on
        started = is_started(latest.percent_complete, money(cumulative), begun)
        warning = assess(
            status_on(project.status, list(history), period.ends_on),
            project.planned_start,
            project.planned_end,
            latest.percent_complete,
            period.ends_on,
            thresholds,
            started,
        )
        yield {
            "project_id": project.id,
            "period_id": period.id,
            "last_report_id": latest.id,
            "percent_complete": latest.percent_complete,
            "period_invested_wan": money(mine.invested_wan) if mine else None,
            "year_invested_wan": money(by_year[period.ends_on.year]),
            "cumulative_invested_wan": money(cumulative),
            "reported_in_period": mine is not None,
            "expected_pct": warning.expected_pct,
            "behind_points": warning.behind_points,
            "level": warning.level,
            "reason": warning.reason[:100],
            "days_behind": warning.days_behind,
        }


def _thresholds(conn) -> Thresholds:
    value = conn.scalar(select(Setting.value).where(Setting.key == THRESHOLDS_KEY))
    return Thresholds.from_dict(value)


def _changed(obj, names) -> bool:
    return any(attributes.get_history(obj, name).has_changes() for name in names)


def _was_approved(report: StatusReport) -> bool:
    history = attributes.get_history(report, "status")
    return report.status == ReportStatus.APPROVED or ReportStatus.APPROVED in (history.deleted or ())


@event.listens_for(Session, "before_flush")
def _mark(flushing: Session, _context, _instances) -> None:
    """Note which inputs of the read model this flush changes."""
    marks = flushing.info.setdefault(_MARKS, _Marks())
    for obj in chain(flushing.new, flushing.dirty, flushing.deleted):
        if isinstance(obj, StatusReport) and _was_approved(obj):
            marks.reports.append(obj)
        elif isinstance(obj, Project) and obj.id is not None and _changed(obj, PROJECT_INPUTS):
            marks.projects.add(obj.id)
        elif isinstance(obj, ReportingPeriod) and (obj.id is None or _changed(obj, PERIOD_INPUTS)):
            marks.periods.append(obj)
        elif isinstance(obj, Milestone) and (obj.id is None or _changed(obj, MILESTONE_INPUTS)):
            marks.milestones.append(obj)
        elif isinstance(obj, Setting) and obj.key == THRESHOLDS_KEY:
            marks.everything = True


@event.listens_for(Session, "after_flush_postexec")
def _apply(flushed: Session, _context) -> None:
    """Recompute the rows the flush made stale, on the flush's own connection."""
    marks = flushed.info.pop(_MARKS, None)
    if not marks:
        return
    conn = flushed.connection()
    if marks.everything:
        _refresh(conn)
        return
    touched = marks.reports + marks.milestones
    projects = marks.projects | {obj.project_id or obj.project.id for obj in touched}
    plans = {p.plan_id or p.plan.id for p in marks.periods}
    _refresh(conn, projects, plans)


@event.listens_for(Session, "after_rollback")
def _forget(rolled_back: Session) -> None:
    rolled_back.info.pop(_MARKS, None)


def count_stale_rows() -> int:
    """Projects × periods whose maintained row differs from a rebuild from the reports (0 when in step)."""
    maintained = _snapshot()
    savepoint = session.begin_nested()
    try:
        refresh_progress()
        rebuilt = _snapshot()
    finally:
        savepoint.rollback()
    return sum(maintained.get(key) != rebuilt.get(key) for key in maintained.keys() | rebuilt.keys())


def _snapshot() -> dict[tuple, tuple]:
    table = ProgressRow.__table__
    return {(row.project_id, row.period_id): tuple(row) for row in session.execute(select(table))}
