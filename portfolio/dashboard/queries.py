"""The dashboard's figures: one pass over the visible, filtered projects and the progress read model.

Headline and group figures add up the same ProjectProgress values the summary (/summary) and the
progress sheet (调度表) show, so the three never disagree. A fixed number of statements at any size.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portfolio.dashboard.filters import BoardFilters
from portfolio.db import money, session
from portfolio.projects.models import Category, LifecycleStatus, Location, Plan, Project, ProjectLocation
from portfolio.projects.queries import filtered_projects, get_selected_plan
from portfolio.projects.summary import SummaryRow
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.progress import ProjectProgress, completion_rate, default_as_of, progress_for
from portfolio.reporting.warnings import Level, expected_progress

ZERO = Decimal(0)
BEHIND_COUNT = 10


@dataclass
class BoardRow(SummaryRow):
    """A summary row that also adds up this year's plan and completed investment (as the 调度表 does)."""

    annual_wan: Decimal = ZERO
    year_wan: Decimal = ZERO

    def add(self, project, progress: ProjectProgress) -> None:
        super().add(project, progress)
        self.annual_wan += progress.annual_plan_wan or ZERO
        self.year_wan += progress.year_invested_wan

    @property
    def annual_rate(self) -> Decimal | None:
        return completion_rate(self.year_wan, self.annual_wan)


@dataclass(frozen=True)
class TrendPoint:
    code: str
    ends_on: date
    cumulative_wan: Decimal
    pro_rata_wan: Decimal | None  # the plan-span investment times the share of the span elapsed


@dataclass(frozen=True)
class Laggard:
    project_id: int
    name: str
    progress: ProjectProgress


@dataclass
class Dashboard:
    plan: Plan
    filters: BoardFilters
    period: ReportingPeriod | None
    periods: list[ReportingPeriod]
    as_of: date
    schedule_pct: Decimal | None  # the plan's own 序时进度 at as_of
    total: BoardRow
    by_category: list[BoardRow]
    by_county: list[BoardRow]
    statuses: list[tuple[str, int]]
    laggards: list[Laggard]
    trend: list[TrendPoint]
    categories: list[Category] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    levels: tuple[Level, ...] = (Level.RED, Level.YELLOW, Level.GREEN, Level.UNREPORTED, Level.INACTIVE)

    @property
    def counts(self) -> Counter:
        return self.total.levels


def plan_schedule(plan: Plan, as_of: date) -> Decimal | None:
    """The elapsed share of the plan's span in percent: the pro-rata line every figure is read against."""
    return expected_progress(date(plan.start_year, 1, 1), date(plan.end_year, 12, 1), as_of)


def list_plan_periods(plan: Plan) -> list[ReportingPeriod]:
    return list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.plan_id == plan.id)
            .order_by(ReportingPeriod.ends_on)
        )
    )


def pick_period(periods: list[ReportingPeriod], period_id: int | None) -> ReportingPeriod | None:
    return next((p for p in periods if p.id == period_id), None)


def scoped_locations(user, filters: BoardFilters) -> list[Location]:
    """The locations a user may pick and see: a county officer of a county sees only that county."""
    stmt = select(Location).order_by(Location.sort_order)
    if getattr(user, "county_id", None) is not None:
        stmt = stmt.where(Location.id == user.county_id)
    return list(session.scalars(stmt))


def _project_rows(user, filters: BoardFilters, plan: Plan):
    stmt = filtered_projects(user, filters.projects, plan).with_only_columns(
        Project.id,
        Project.plan_id,
        Project.category_id,
        Project.name,
        Project.status,
        Project.planned_start,
        Project.planned_end,
        Project.total_investment_wan,
        Project.span_investment_wan,
    )
    return stmt, session.execute(stmt).all()


def _trend(periods, ids_subquery, as_of: date, span_wan: Decimal, plan: Plan) -> list[TrendPoint]:
    sums = dict(
        session.execute(
            select(StatusReport.period_id, func.sum(StatusReport.invested_wan))
            .join(ReportingPeriod, ReportingPeriod.id == StatusReport.period_id)
            .where(
                ReportingPeriod.plan_id == plan.id,
                ReportingPeriod.ends_on <= as_of,
                StatusReport.status == ReportStatus.APPROVED,
                StatusReport.project_id.in_(ids_subquery),
            )
            .group_by(StatusReport.period_id)
        ).all()
    )
    points, running = [], ZERO
    for period in (p for p in periods if p.ends_on <= as_of):
        running += money(sums.get(period.id)) or ZERO
        share = plan_schedule(plan, period.ends_on)
        pro_rata = (span_wan * share / 100).quantize(Decimal("0.01")) if share is not None else None
        points.append(TrendPoint(period.code, period.ends_on, running, pro_rata))
    return points


def _laggards(rows, progress: dict[int, ProjectProgress]) -> list[Laggard]:
    behind = [r for r in rows if (progress[r.id].warning.behind_points or ZERO) > 0]
    behind.sort(key=lambda r: (-progress[r.id].warning.behind_points, r.id))
    return [Laggard(r.id, r.name, progress[r.id]) for r in behind[:BEHIND_COUNT]]


def _groups(rows, progress, plan: Plan, locations: list[Location], ids_subquery):
    categories = list(
        session.scalars(select(Category).where(Category.plan_id == plan.id).order_by(Category.number))
    )
    by_category = {c.id: BoardRow(f"{c.number}. {c.name}", c.id) for c in categories}
    by_county = {loc.id: BoardRow(loc.name, loc.id) for loc in locations}
    total = BoardRow("合计")
    for row in rows:
        total.add(row, progress[row.id])
        by_category[row.category_id].add(row, progress[row.id])
    by_id = {r.id: r for r in rows}
    links = session.execute(
        select(ProjectLocation.project_id, ProjectLocation.location_id).where(
            ProjectLocation.project_id.in_(ids_subquery)
        )
    ).all()
    for project_id, location_id in links:
        if location_id in by_county:
            by_county[location_id].add(by_id[project_id], progress[project_id])
    return total, list(by_category.values()), list(by_county.values()), categories


def get_dashboard(user, filters: BoardFilters) -> Dashboard:
    """Every figure and chart series of the dashboard for the user's visible, filtered projects."""
    plan = get_selected_plan(filters.projects.plan_id)
    periods = list_plan_periods(plan)
    period = pick_period(periods, filters.period_id)
    as_of = period.ends_on if period else default_as_of(plan)
    stmt, rows = _project_rows(user, filters, plan)
    ids = stmt.with_only_columns(Project.id).scalar_subquery()
    progress = progress_for(rows, as_of, period)
    locations = scoped_locations(user, filters)
    total, by_category, by_county, categories = _groups(rows, progress, plan, locations, ids)
    statuses = Counter(row.status for row in rows)
    return Dashboard(
        plan=plan,
        filters=filters,
        period=period,
        periods=periods,
        as_of=as_of,
        schedule_pct=plan_schedule(plan, as_of),
        total=total,
        by_category=by_category,
        by_county=by_county,
        statuses=[(s.label, statuses[s]) for s in LifecycleStatus if statuses[s]],
        laggards=_laggards(rows, progress),
        trend=_trend(periods, ids, as_of, total.span_wan, plan),
        categories=categories,
        locations=locations,
    )
