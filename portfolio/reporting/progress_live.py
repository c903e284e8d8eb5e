"""Approved progress computed straight from the reports, for a date that is not the end of a period.

The read model (ProgressRow) answers for period ends; this answers for any other date, such as today in
the middle of an open period, and is what the read model's tests compare it with. A fixed number of SQL
statements however many projects are asked about, then a lookup per project in Python.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select

from portfolio.db import money, session
from portfolio.definitions.schedule import is_started
from portfolio.projects.models import AnnualPlan, Milestone, MilestoneKind, Project, StatusChange
from portfolio.projects.status_history import status_on
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.warnings import Thresholds, assess

ZERO = Decimal(0)
START_KINDS = (MilestoneKind.GROUNDBREAKING, MilestoneKind.MAIN_WORKS)
# Up to this many projects (a list page), the reads name them; beyond it they aggregate the whole plan.
NAMED_LIMIT = 500


@dataclass(frozen=True)
class Scope:
    plan_ids: frozenset[int]
    project_ids: tuple[int, ...] | None  # None: every project of the plans

    @classmethod
    def of(cls, projects) -> "Scope":
        named = tuple(p.id for p in projects) if len(projects) <= NAMED_LIMIT else None
        return cls(frozenset(p.plan_id for p in projects), named)

    def narrow(self, stmt, column):
        return stmt.where(column.in_(self.project_ids)) if self.project_ids is not None else stmt


def _approved_upto(scope: Scope, as_of: date):
    stmt = (
        select(StatusReport)
        .join(ReportingPeriod, StatusReport.period_id == ReportingPeriod.id)
        .where(
            ReportingPeriod.plan_id.in_(scope.plan_ids),
            ReportingPeriod.ends_on <= as_of,
            StatusReport.status == ReportStatus.APPROVED,
        )
    )
    return scope.narrow(stmt, StatusReport.project_id)


def _sums(scope: Scope, as_of: date, period_id: int | None) -> dict[int, tuple]:
    """project_id → (cumulative, this year's, this period's investment, reported in the period)."""
    in_period = StatusReport.period_id == (period_id or -1)
    stmt = (
        _approved_upto(scope, as_of)
        .with_only_columns(
            StatusReport.project_id,
            func.sum(func.coalesce(StatusReport.invested_wan, 0)),
            func.sum(case((ReportingPeriod.year == as_of.year, StatusReport.invested_wan), else_=0)),
            func.sum(case((in_period, StatusReport.invested_wan), else_=None)),
            func.max(case((in_period, 1), else_=0)),
        )
        .group_by(StatusReport.project_id)
    )
    return {row[0]: tuple(row[1:]) for row in session.execute(stmt)}


def _latest(scope: Scope, as_of: date) -> dict[int, tuple]:
    """project_id → the latest approved report's fields, by period end."""
    rank = (
        func.row_number()
        .over(
            partition_by=StatusReport.project_id,
            order_by=(ReportingPeriod.ends_on.desc(), StatusReport.period_id.desc()),
        )
        .label("rank")
    )
    ranked = (
        _approved_upto(scope, as_of)
        .with_only_columns(
            StatusReport.project_id,
            StatusReport.id,
            ReportingPeriod.code,
            StatusReport.reviewed_at,
            StatusReport.percent_complete,
            StatusReport.progress_text,
            StatusReport.problems,
            StatusReport.next_steps,
            rank,
        )
        .subquery()
    )
    stmt = select(*[c for c in ranked.c if c.name != "rank"]).where(ranked.c.rank == 1)
    return {row[0]: tuple(row[1:]) for row in session.execute(stmt)}


def annual_plans(scope: Scope, year: int) -> dict[int, Decimal | None]:
    """project_id → its annual plan amount for a year."""
    stmt = (
        select(AnnualPlan.project_id, AnnualPlan.amount_wan)
        .join(Project, Project.id == AnnualPlan.project_id)
        .where(Project.plan_id.in_(scope.plan_ids), AnnualPlan.year == year)
    )
    return dict(session.execute(scope.narrow(stmt, AnnualPlan.project_id)).all())


def _started_by_milestone(scope: Scope, as_of: date) -> set[int]:
    """Projects with a groundbreaking or main-works milestone done by the date."""
    stmt = (
        select(Milestone.project_id)
        .join(Project, Project.id == Milestone.project_id)
        .where(
            Project.plan_id.in_(scope.plan_ids),
            Milestone.kind.in_(START_KINDS),
            Milestone.actual_date <= as_of,
        )
        .distinct()
    )
    return set(session.scalars(scope.narrow(stmt, Milestone.project_id)))


def statuses_in_force(scope: Scope, projects, as_of: date) -> dict[int, object]:
    """project_id → its status in force on the date (status history), for each project whose status changed.

    A project withdrawn today was still under construction at the end of last quarter: a date before today
    is judged with the status of that date, as the read model colours each period with the status at its end.
    (Only projects with an approved report are coloured so: the read model keeps rows for those alone, and
    one with nothing approved is judged by its status now, at any date, by both.)
    """
    if not projects:
        return {}
    stmt = (
        select(
            StatusChange.project_id,
            StatusChange.from_status,
            StatusChange.to_status,
            StatusChange.effective_on,
        )
        .join(Project, Project.id == StatusChange.project_id)
        .where(Project.plan_id.in_(scope.plan_ids))
        .order_by(StatusChange.effective_on, StatusChange.id)
    )
    changes: dict[int, list] = {}
    for change in session.execute(scope.narrow(stmt, StatusChange.project_id)):
        changes.setdefault(change.project_id, []).append(change)
    return {p.id: status_on(p.status, changes[p.id], as_of) for p in projects if p.id in changes}


def live_progress(projects, as_of: date, period_id: int | None, thresholds: Thresholds, build) -> dict:
    """Progress computed from the reports; `build(project, fields)` makes each ProjectProgress."""
    scope = Scope.of(projects)
    sums = _sums(scope, as_of, period_id)
    latest = _latest(scope, as_of)
    plans = annual_plans(scope, as_of.year)
    begun = _started_by_milestone(scope, as_of)
    statuses = statuses_in_force(scope, [p for p in projects if p.id in latest], as_of)
    result = {}
    for project in projects:
        cumulative, year, in_period, reported = sums.get(project.id, (ZERO, ZERO, None, 0))
        report_id, code, reviewed_at, pct, text, problems, steps = latest.get(project.id, (None,) * 7)
        pct = Decimal(str(pct)) if pct is not None else None
        cumulative = money(cumulative) or ZERO
        started = is_started(pct, cumulative, project.id in begun)
        result[project.id] = build(
            project,
            dict(
                last_report_id=report_id,
                last_period_code=code,
                last_reviewed_at=reviewed_at,
                percent_complete=pct,
                progress_text=text,
                problems=problems,
                next_steps=steps,
                period_invested_wan=money(in_period),
                year_invested_wan=money(year) or ZERO,
                cumulative_invested_wan=cumulative,
                annual_plan_wan=money(plans.get(project.id)),
                warning=assess(
                    statuses.get(project.id, project.status),
                    project.planned_start,
                    project.planned_end,
                    pct,
                    as_of,
                    thresholds,
                    started,
                ),
                reported_in_period=bool(reported),
            ),
        )
    return result
