"""The dashboard's figures: the visible, filtered projects over the progress read model.

Headline and group figures add up the same progress the summary (/summary) and the progress sheet (调度表)
show, so the three never disagree. At a period end (the usual picture) SQL counts and sums over the read
model, as the summary does; at any other date each project's progress is computed and added up in Python.
A fixed number of statements at any size.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portfolio.dashboard.filters import BoardFilters
from portfolio.data_version import remembered, statement_key
from portfolio.db import money, session
from portfolio.definitions.investment import annual_rate, planned_share
from portfolio.funding.queries import SourceTotal, get_source_totals
from portfolio.permissions import county_links
from portfolio.projects.models import Category, LifecycleStatus, Location, Plan, Project
from portfolio.projects.queries import filtered_projects, get_selected_plan
from portfolio.projects.summary import SCALE, SummaryRow, group_in_sql
from portfolio.reporting.models import ProgressRow, ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.progress import (
    ProjectProgress,
    anchor_period_id,
    default_as_of,
    progress_for,
)
from portfolio.reporting.selection import list_plan_periods, pick_period
from portfolio.reporting.warnings import Level, expected_progress

ZERO = Decimal(0)
BEHIND_COUNT = 10


@dataclass
class BoardRow(SummaryRow):
    """A summary row that also adds up this year's plan and completed investment (as the 调度表 does)."""

    annual_wan: Decimal = ZERO
    year_wan: Decimal = ZERO
    planned_year_wan: Decimal = ZERO  # year_wan of the projects that have a plan for the year
    planned_count: int = 0  # projects with a plan for the year: none, and the year's plan reads blank

    def add(self, project, progress: ProjectProgress) -> None:
        super().add(project, progress)
        self.annual_wan += progress.annual_plan_wan or ZERO
        self.year_wan += progress.year_invested_wan
        self.planned_year_wan += planned_share(progress.year_invested_wan, progress.annual_plan_wan)
        self.planned_count += bool(progress.annual_plan_wan and progress.annual_plan_wan > 0)

    def add_group(
        self, level, count, total, span, done, year_done=0, annual=0, planned_done=0, planned_count=0
    ) -> None:
        super().add_group(level, count, total, span, done)
        self.annual_wan += Decimal(annual) / SCALE
        self.year_wan += Decimal(year_done) / SCALE
        self.planned_year_wan += Decimal(planned_done) / SCALE
        self.planned_count += planned_count

    @property
    def annual_rate(self) -> Decimal | None:
        """年度计划完成率 (definitions.investment.ANNUAL_RATE): only projects with a plan count."""
        return annual_rate([(self.planned_year_wan, self.annual_wan)])


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
    funding: list[SourceTotal] = field(default_factory=list)  # planned and received by source
    levels: tuple[Level, ...] = (Level.RED, Level.YELLOW, Level.GREEN, Level.UNREPORTED, Level.INACTIVE)

    @property
    def counts(self) -> Counter:
        return self.total.levels


def plan_schedule(plan: Plan, as_of: date) -> Decimal | None:
    """The elapsed share of the plan's span in percent: the pro-rata line every figure is read against."""
    return expected_progress(plan.starts_on, plan.last_month, as_of)


def scoped_locations(user, filters: BoardFilters) -> list[Location]:
    """The locations a user may pick and see: a county officer of a county sees only that county."""
    stmt = select(Location).order_by(Location.sort_order)
    if getattr(user, "county_id", None) is not None:
        stmt = stmt.where(Location.id == user.county_id)
    return list(session.scalars(stmt))


# What progress_for needs of each project.
PROGRESS_INPUTS = (Project.id, Project.plan_id, Project.status, Project.planned_start, Project.planned_end)


def _project_rows(user, filters: BoardFilters, plan: Plan):
    stmt = filtered_projects(user, filters.projects, plan).with_only_columns(
        *PROGRESS_INPUTS,
        Project.category_id,
        Project.name,
        Project.total_investment_wan,
        Project.span_investment_wan,
    )
    return stmt, session.execute(stmt).all()


def _trend(periods, projects, as_of: date, span_wan: Decimal, plan: Plan) -> list[TrendPoint]:
    def approved_by_period() -> list[tuple]:
        stmt = (
            select(StatusReport.period_id, func.sum(StatusReport.invested_wan))
            .join(ReportingPeriod, ReportingPeriod.id == StatusReport.period_id)
            .where(
                ReportingPeriod.plan_id == plan.id,
                ReportingPeriod.ends_on <= as_of,
                StatusReport.status == ReportStatus.APPROVED,
                StatusReport.project_id.in_(projects.with_only_columns(Project.id).scalar_subquery()),
            )
            .group_by(StatusReport.period_id)
        )
        return [tuple(row) for row in session.execute(stmt)]

    sums = dict(remembered(session, ("trend", statement_key(projects), plan.id, as_of), approved_by_period))
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


def _board_rows(plan: Plan, locations: list[Location]):
    categories = list(
        session.scalars(select(Category).where(Category.plan_id == plan.id).order_by(Category.number))
    )
    by_category = {c.id: BoardRow(f"{c.number}. {c.name}", c.id) for c in categories}
    by_county = {loc.id: BoardRow(loc.name, loc.id) for loc in locations}
    return BoardRow("合计"), by_category, by_county, categories


def _groups(rows, progress, plan: Plan, locations: list[Location], ids_subquery):
    total, by_category, by_county, categories = _board_rows(plan, locations)
    for row in rows:
        total.add(row, progress[row.id])
        by_category[row.category_id].add(row, progress[row.id])
    by_id = {r.id: r for r in rows}
    links = session.execute(select(county_links(ids_subquery))).all()
    for project_id, location_id in links:
        if location_id in by_county:
            by_county[location_id].add(by_id[project_id], progress[project_id])
    return total, list(by_category.values()), list(by_county.values()), categories


def _figures_in_python(user, filters: BoardFilters, plan: Plan, locations, as_of, period) -> dict:
    """Every grouped figure from each project's progress, computed for a date that is no period end."""
    stmt, rows = _project_rows(user, filters, plan)
    ids = stmt.with_only_columns(Project.id).scalar_subquery()
    progress = progress_for(rows, as_of, period)
    total, by_category, by_county, categories = _groups(rows, progress, plan, locations, ids)
    statuses = Counter(row.status for row in rows)
    return dict(
        total=total,
        by_category=by_category,
        by_county=by_county,
        categories=categories,
        statuses=[(s.label, statuses[s]) for s in LifecycleStatus if statuses[s]],
        laggards=_laggards(rows, progress),
    )


def _figures_in_sql(user, filters: BoardFilters, plan: Plan, locations, as_of, period, anchor) -> dict:
    """The same figures counted and summed in SQL over the read model at a period end."""
    stmt = filtered_projects(user, filters.projects, plan)
    total, by_category, by_county, categories = _board_rows(plan, locations)
    statuses = Counter()
    group_in_sql(stmt, anchor, total, by_category, by_county, year=as_of.year, statuses=statuses)
    behind = (
        stmt.with_only_columns(*PROGRESS_INPUTS, Project.name)
        .join(ProgressRow, (ProgressRow.project_id == Project.id) & (ProgressRow.period_id == anchor))
        .where(ProgressRow.behind_points > 0)
        .order_by(ProgressRow.behind_points.desc(), Project.id)
        .limit(BEHIND_COUNT)
    )
    rows = remembered(
        session, ("laggards", statement_key(stmt), anchor), lambda: session.execute(behind).all()
    )
    progress = progress_for(rows, as_of, period)
    return dict(
        total=total,
        by_category=list(by_category.values()),
        by_county=list(by_county.values()),
        categories=categories,
        statuses=[(s.label, statuses[s]) for s in LifecycleStatus if statuses[s]],
        laggards=[Laggard(r.id, r.name, progress[r.id]) for r in rows],
    )


def get_dashboard(user, filters: BoardFilters) -> Dashboard:
    """Every figure and chart series of the dashboard for the user's visible, filtered projects."""
    plan = get_selected_plan(filters.projects.plan_id)
    periods = list_plan_periods(plan, newest_first=False)
    period = pick_period(periods, filters.period_id)
    as_of = period.ends_on if period else default_as_of(plan)
    locations = scoped_locations(user, filters)
    anchor = anchor_period_id(plan.id, as_of)
    if anchor is None:
        figures = _figures_in_python(user, filters, plan, locations, as_of, period)
    else:
        figures = _figures_in_sql(user, filters, plan, locations, as_of, period, anchor)
    projects = filtered_projects(user, filters.projects, plan)
    return Dashboard(
        plan=plan,
        filters=filters,
        period=period,
        periods=periods,
        as_of=as_of,
        schedule_pct=plan_schedule(plan, as_of),
        trend=_trend(periods, projects, as_of, figures["total"].span_wan, plan),
        locations=locations,
        funding=get_source_totals(user, filters.projects, plan, as_of),
        **figures,
    )
