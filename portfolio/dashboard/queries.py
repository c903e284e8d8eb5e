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
from portfolio.projects.models import Category, LifecycleStatus, Location, Plan, Project
from portfolio.projects.queries import filtered_projects, get_selected_plan
from portfolio.projects.summary import SCALE, SummaryRow, group_in_sql
from portfolio.reporting.models import ProgressRow, ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.progress import (
    PROGRESS_INPUTS,
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


def _board_rows(plan: Plan, locations: list[Location]):
    categories = list(
        session.scalars(select(Category).where(Category.plan_id == plan.id).order_by(Category.number))
    )
    by_category = {c.id: BoardRow(f"{c.number}. {c.name}", c.id) for c in categories}
    by_county = {loc.id: BoardRow(loc.name, loc.id) for loc in locations}
    return BoardRow("合计"), by_category, by_county, categories


def _figures(user, filters: BoardFilters, plan: Plan, locations, as_of, period, anchor) -> dict:
    """Every grouped figure, counted and summed in SQL over the read model at a period end; at another date
    (today inside an open period) grouped from live progress into the same rows (group_in_sql)."""
    stmt = filtered_projects(user, filters.projects, plan)
    total, by_category, by_county, categories = _board_rows(plan, locations)
    statuses = Counter()
    group_in_sql(stmt, anchor, total, by_category, by_county, year=as_of.year, statuses=statuses, as_of=as_of)
    rows = remembered(
        session, ("laggards", statement_key(stmt), anchor, as_of), lambda: _laggard_rows(stmt, anchor, as_of)
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


def _laggard_rows(stmt, anchor: int | None, as_of: date) -> list:
    """The projects furthest behind the schedule (most points first, then by id): immutable result rows."""
    columns = stmt.with_only_columns(*PROGRESS_INPUTS, Project.name)
    if anchor is not None:
        behind = (
            columns.join(
                ProgressRow, (ProgressRow.project_id == Project.id) & (ProgressRow.period_id == anchor)
            )
            .where(ProgressRow.behind_points > 0)
            .order_by(ProgressRow.behind_points.desc(), Project.id)
            .limit(BEHIND_COUNT)
        )
        return session.execute(behind).all()
    rows = session.execute(columns).all()
    progress = progress_for(rows, as_of)
    points = {r.id: progress[r.id].warning.behind_points or ZERO for r in rows}
    behind = sorted((r for r in rows if points[r.id] > 0), key=lambda r: (-points[r.id], r.id))
    return behind[:BEHIND_COUNT]


def get_dashboard(user, filters: BoardFilters) -> Dashboard:
    """Every figure and chart series of the dashboard for the user's visible, filtered projects."""
    plan = get_selected_plan(filters.projects.plan_id)
    periods = list_plan_periods(plan, newest_first=False)
    period = pick_period(periods, filters.period_id)
    as_of = period.ends_on if period else default_as_of(plan)
    locations = scoped_locations(user, filters)
    figures = _figures(user, filters, plan, locations, as_of, period, anchor_period_id(plan.id, as_of))
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
