"""Reads of funding: a plan's sources, planned amounts by source, and approved funds received (到位资金).

Received funds count only from approved reports, as investment does: the period's, the year's (periods
of the as-of year up to that date) and the cumulative figure. Every read runs a fixed number of statements.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, case, func, select

from portfolio.data_version import remembered, statement_key
from portfolio.db import money, session
from portfolio.funding.checks import breakdown_warning
from portfolio.funding.models import FundingSource, ProjectFunding, ProjectFundingNote, ReportFunding
from portfolio.projects.models import Project
from portfolio.projects.queries import filtered_projects, get_selected_plan
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.progress import default_as_of

ZERO = Decimal(0)


def list_sources(plan_id: int) -> list[FundingSource]:
    """The plan's sources in their order."""
    return list(
        session.scalars(
            select(FundingSource)
            .where(FundingSource.plan_id == plan_id)
            .order_by(FundingSource.position, FundingSource.id)
        )
    )


@dataclass
class Received:
    """Funds of one source received by a project: in the period, in the year, and since the start."""

    period_wan: Decimal | None = None
    year_wan: Decimal = ZERO
    cumulative_wan: Decimal = ZERO


@dataclass
class ProjectFundingView:
    """A project's planned breakdown and received funds, by source id."""

    sources: list[FundingSource]
    planned: dict[int, Decimal] = field(default_factory=dict)
    received: dict[int, Received] = field(default_factory=dict)
    note: str | None = None
    warning: str | None = None  # the breakdown does not add up to the total investment

    @property
    def planned_total(self) -> Decimal | None:
        return sum(self.planned.values(), ZERO) if self.planned else None

    @property
    def received_total(self) -> Decimal:
        return sum((r.cumulative_wan for r in self.received.values()), ZERO)


def planned_by_project(project_ids, source_ids: list[int] | None = None) -> dict[int, dict[int, Decimal]]:
    """project id → {source id: planned 万元}, of these sources (None: every one); project_ids may be a
    list or a subquery."""
    stmt = select(ProjectFunding.project_id, ProjectFunding.source_id, ProjectFunding.amount_wan).where(
        ProjectFunding.project_id.in_(project_ids)
    )
    if source_ids is not None:
        stmt = stmt.where(ProjectFunding.source_id.in_(source_ids))
    found: dict[int, dict[int, Decimal]] = {}
    for pid, sid, amount in session.execute(stmt):
        found.setdefault(pid, {})[sid] = amount  # a MONEY column: four places, guarded on read
    return found


def received_by_project(
    project_ids, as_of: date, period_id: int | None = None, source_ids: list[int] | None = None
) -> dict[int, dict[int, Received]]:
    """project id → {source id: Received} from approved reports of periods ended by as_of, of these
    sources (None: every one)."""
    in_period = StatusReport.period_id == (period_id or -1)
    stmt = (
        select(
            StatusReport.project_id,
            ReportFunding.source_id,
            func.sum(case((in_period, ReportFunding.amount_wan), else_=None)),
            func.sum(case((ReportingPeriod.year == as_of.year, ReportFunding.amount_wan), else_=0)),
            func.sum(ReportFunding.amount_wan),
        )
        .join(StatusReport, StatusReport.id == ReportFunding.report_id)
        .join(ReportingPeriod, ReportingPeriod.id == StatusReport.period_id)
        .where(
            StatusReport.project_id.in_(project_ids),
            StatusReport.status == ReportStatus.APPROVED,
            ReportingPeriod.ends_on <= as_of,
        )
        .group_by(StatusReport.project_id, ReportFunding.source_id)
    )
    if source_ids is not None:
        stmt = stmt.where(ReportFunding.source_id.in_(source_ids))
    found: dict[int, dict[int, Received]] = {}
    for pid, sid, period, year, cumulative in session.execute(stmt):  # sums typed MONEY: four places
        found.setdefault(pid, {})[sid] = Received(period, year or ZERO, cumulative or ZERO)
    return found


def get_project_funding(project: Project, as_of: date) -> ProjectFundingView:
    """One project's sources, planned amounts, received funds and note."""
    note = session.get(ProjectFundingNote, project.id)
    planned = planned_by_project([project.id]).get(project.id, {})
    return ProjectFundingView(
        list_sources(project.plan_id),
        planned,
        received_by_project([project.id], as_of).get(project.id, {}),
        note.text if note else None,
        breakdown_warning(project.total_investment_wan, planned),
    )


def get_report_funding(report: StatusReport) -> dict[int, Decimal]:
    """source id → funds received in this report's period, whatever its status."""
    return funds_of_reports([report.id]).get(report.id, {})


def funds_of_reports(report_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """report id → {source id: funds received in its period}, whatever the reports' status."""
    if not report_ids:
        return {}
    stmt = select(ReportFunding.report_id, ReportFunding.source_id, ReportFunding.amount_wan).where(
        ReportFunding.report_id.in_(report_ids)
    )
    found: dict[int, dict[int, Decimal]] = {}
    for rid, sid, amount in session.execute(stmt):
        found.setdefault(rid, {})[sid] = money(amount)
    return found


@dataclass
class FundsBefore:
    """A source's approved funds before a period starts: in the period's year so far, and since the start."""

    source: FundingSource
    year_wan: Decimal = ZERO
    cumulative_wan: Decimal = ZERO


def list_funds_before(project: Project, period: ReportingPeriod) -> list[FundsBefore]:
    """Per source of the plan, what approved reports of earlier periods received (the form adds 本期)."""
    before = period.starts_on - timedelta(days=1)
    received = received_by_project([project.id], before).get(project.id, {})
    same_year = before.year == period.year
    return [
        FundsBefore(s, received[s.id].year_wan if same_year else ZERO, received[s.id].cumulative_wan)
        if s.id in received
        else FundsBefore(s)
        for s in list_sources(project.plan_id)
    ]


@dataclass
class SourceTotal:
    """One source's totals over a set of projects: planned, and approved funds received."""

    source: FundingSource
    planned_wan: Decimal = ZERO
    received_wan: Decimal = ZERO
    projects: int = 0  # projects with a planned amount of this source


def totals_by_source(plan_id: int, projects: Select, as_of: date) -> list[SourceTotal]:
    """Planned and received totals of each of the plan's sources over the projects a SELECT of Project gives.

    Callers pass their own visible, filtered selection (the summary, the dashboard, the API).
    """
    totals = {s.id: SourceTotal(s) for s in list_sources(plan_id)}
    key = ("totals_by_source", statement_key(projects), as_of)
    planned, received = remembered(session, key, lambda: _sums_by_source(projects, as_of))
    for sid, amount, count in planned:
        if sid in totals:
            totals[sid].planned_wan, totals[sid].projects = money(amount) or ZERO, count
    for sid, amount in received:
        if sid in totals:
            totals[sid].received_wan = money(amount) or ZERO
    return list(totals.values())


def _sums_by_source(projects: Select, as_of: date) -> tuple[list[tuple], list[tuple]]:
    """(source id, planned, projects) and (source id, received), as plain tuples to remember."""
    ids = projects.with_only_columns(Project.id).scalar_subquery()
    planned = (
        select(ProjectFunding.source_id, func.sum(ProjectFunding.amount_wan), func.count())
        .where(ProjectFunding.project_id.in_(ids))
        .group_by(ProjectFunding.source_id)
    )
    planned_rows = [tuple(row) for row in session.execute(planned)]
    # Each funding row asks whether its report counts, rather than each of the projects' reports whether it
    # has funding rows: at 10,000 projects SQLite otherwise walks all 20,000 reports (8 ms) to find none.
    counted = (
        select(StatusReport.id)
        .join(ReportingPeriod, ReportingPeriod.id == StatusReport.period_id)
        .where(
            StatusReport.id == ReportFunding.report_id,
            StatusReport.project_id.in_(ids),
            StatusReport.status == ReportStatus.APPROVED,
            ReportingPeriod.ends_on <= as_of,
        )
    )
    received = (
        select(ReportFunding.source_id, func.sum(ReportFunding.amount_wan))
        .where(counted.exists())
        .group_by(ReportFunding.source_id)
    )
    return planned_rows, [tuple(row) for row in session.execute(received)]


@dataclass
class ReportFundingRow:
    source: FundingSource
    period_wan: Decimal | None  # this report's own figure, approved or not
    cumulative_wan: Decimal  # approved reports up to the period's end


def list_report_funding(report: StatusReport) -> list[ReportFundingRow]:
    """Sources this report or earlier approved ones name: this period's and cumulative funds."""
    own = get_report_funding(report)
    received = received_by_project([report.project_id], report.period.ends_on).get(report.project_id, {})
    return [
        ReportFundingRow(s, own.get(s.id), received[s.id].cumulative_wan if s.id in received else ZERO)
        for s in list_sources(report.project.plan_id)
        if s.id in own or s.id in received
    ]


def get_source_totals(user, filters, plan=None, as_of: date | None = None) -> list[SourceTotal]:
    """By-source totals of the user's visible projects under the list's filters (summary, dashboard, API).

    A page that already knows the plan and its as-of date passes them, saving two statements.
    """
    plan = plan or get_selected_plan(filters.plan_id)
    as_of = as_of or default_as_of(plan)
    return totals_by_source(plan.id, filtered_projects(user, filters, plan), as_of)


def funds_by_report(report_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """report id → {source name: funds received in its period}, in the sources' order."""
    if not report_ids:
        return {}
    stmt = (
        select(ReportFunding.report_id, FundingSource.name, ReportFunding.amount_wan)
        .join(FundingSource, FundingSource.id == ReportFunding.source_id)
        .where(ReportFunding.report_id.in_(report_ids))
        .order_by(FundingSource.position, FundingSource.id)
    )
    found: dict[int, dict[str, Decimal]] = {}
    for rid, name, amount in session.execute(stmt):
        found.setdefault(rid, {})[name] = money(amount)
    return found
