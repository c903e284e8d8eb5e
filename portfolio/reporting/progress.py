"""The read model of approved progress: what every page, sheet and evaluation shows for a project.

Only approved status reports count. Everything here runs a fixed number of SQL statements however
many projects are asked about: aggregates over the projects' plans, then a lookup per project in Python.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select

from portfolio.audit.services import record
from portfolio.db import money, session
from portfolio.definitions.schedule import is_started
from portfolio.localtime import local_today
from portfolio.projects.models import AnnualPlan, Milestone, MilestoneKind, Project
from portfolio.reporting.models import ReportingPeriod, ReportStatus, Setting, StatusReport
from portfolio.reporting.warnings import Thresholds, Warning, assess

THRESHOLDS_KEY = "warning_thresholds"
ZERO = Decimal(0)


@dataclass(frozen=True)
class ProjectProgress:
    project_id: int
    last_report_id: int | None
    last_period_code: str | None
    last_reviewed_at: datetime | None
    percent_complete: Decimal | None
    progress_text: str | None
    problems: str | None
    next_steps: str | None
    period_invested_wan: Decimal | None
    year_invested_wan: Decimal
    cumulative_invested_wan: Decimal
    annual_plan_wan: Decimal | None
    completion_rate: Decimal | None
    warning: Warning
    reported_in_period: bool


def get_thresholds() -> Thresholds:
    """The warning thresholds planners configured, or the defaults (10 and 30 points, 3 months)."""
    setting = session.get(Setting, THRESHOLDS_KEY)
    return Thresholds.from_dict(setting.value if setting else None)


def save_thresholds(actor, thresholds: Thresholds) -> None:
    """Store new warning thresholds; the change is audited."""
    setting = session.get(Setting, THRESHOLDS_KEY)
    before = setting.value if setting else Thresholds().as_dict()
    if setting is None:
        setting = Setting(key=THRESHOLDS_KEY, value=thresholds.as_dict())
        session.add(setting)
    else:
        setting.value = thresholds.as_dict()
    setting.updated_by_id = getattr(actor, "id", None)
    session.flush()
    record(
        actor,
        "settings.thresholds",
        setting,
        before=before,
        after=thresholds.as_dict(),
        entity_type="Setting",
        summary="修改预警阈值",
    )


# Up to this many projects (a list page), the reads name them; beyond it they aggregate the whole plan.
NAMED_LIMIT = 500


@dataclass(frozen=True)
class _Scope:
    plan_ids: frozenset[int]
    project_ids: tuple[int, ...] | None  # None: every project of the plans

    def narrow(self, stmt, column):
        return stmt.where(column.in_(self.project_ids)) if self.project_ids is not None else stmt


def _approved_upto(scope: _Scope, as_of: date):
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


def _sums(scope: _Scope, as_of: date, period_id: int | None) -> dict[int, tuple]:
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


def _latest(scope: _Scope, as_of: date) -> dict[int, tuple]:
    """project_id → the latest approved report's fields, by period end."""
    rank = (
        func.row_number()
        .over(partition_by=StatusReport.project_id, order_by=ReportingPeriod.ends_on.desc())
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


def _annual_plans(scope: _Scope, year: int) -> dict[int, Decimal | None]:
    stmt = (
        select(AnnualPlan.project_id, AnnualPlan.amount_wan)
        .join(Project, Project.id == AnnualPlan.project_id)
        .where(Project.plan_id.in_(scope.plan_ids), AnnualPlan.year == year)
    )
    return dict(session.execute(scope.narrow(stmt, AnnualPlan.project_id)).all())


START_KINDS = (MilestoneKind.GROUNDBREAKING, MilestoneKind.MAIN_WORKS)


def _started_by_milestone(scope: _Scope, as_of: date) -> set[int]:
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


def completion_rate(done: Decimal, planned: Decimal | None) -> Decimal | None:
    """Percent of the annual plan completed, one decimal; None when nothing was planned."""
    if not planned:
        return None
    return (done / planned * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def progress_for(
    projects: Sequence[Project], as_of: date, period: ReportingPeriod | None = None
) -> dict[int, ProjectProgress]:
    """Approved progress and the warning of each project as of a date (and within a period, if given).

    `projects` may be ORM objects or rows: each needs id, plan_id, status, planned_start, planned_end.
    """
    if not projects:
        return {}
    named = tuple(p.id for p in projects) if len(projects) <= NAMED_LIMIT else None
    scope = _Scope(frozenset(p.plan_id for p in projects), named)
    sums = _sums(scope, as_of, period.id if period else None)
    latest = _latest(scope, as_of)
    plans = _annual_plans(scope, as_of.year)
    begun = _started_by_milestone(scope, as_of)
    thresholds = get_thresholds()
    result = {}
    for project in projects:
        cumulative, year, in_period, reported = sums.get(project.id, (ZERO, ZERO, None, 0))
        report_id, code, reviewed_at, pct, text, problems, steps = latest.get(project.id, (None,) * 7)
        pct = Decimal(str(pct)) if pct is not None else None
        year = money(year) or ZERO
        planned = money(plans.get(project.id))
        cumulative = money(cumulative) or ZERO
        started = is_started(pct, cumulative, project.id in begun)
        result[project.id] = ProjectProgress(
            project_id=project.id,
            last_report_id=report_id,
            last_period_code=code,
            last_reviewed_at=reviewed_at,
            percent_complete=pct,
            progress_text=text,
            problems=problems,
            next_steps=steps,
            period_invested_wan=money(in_period),
            year_invested_wan=year,
            cumulative_invested_wan=cumulative,
            annual_plan_wan=planned,
            completion_rate=completion_rate(year, planned),
            warning=assess(
                project.status, project.planned_start, project.planned_end, pct, as_of, thresholds, started
            ),
            reported_in_period=bool(reported),
        )
    return result


def default_as_of(plan) -> date:
    """The date a plan's warnings are judged at: the end of its latest period that has begun, else today.

    Never later than today, and never after the plan's last year, so a finished plan keeps its final picture.
    """
    today = local_today()
    latest_end = session.scalar(
        select(func.max(ReportingPeriod.ends_on)).where(
            ReportingPeriod.plan_id == plan.id, ReportingPeriod.starts_on <= today
        )
    )
    candidates = [today, date(plan.end_year, 12, 31)]
    if latest_end is not None:
        candidates.append(latest_end)
    return min(candidates)
