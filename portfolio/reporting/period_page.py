"""The period page's read: one page of a period's projects with their reports, filtered, and the state counts.

Filtering, counting and paging happen in SQL, so the page costs the same few statements at 86 projects
or at 10,000: a count per report state, the page's rows, and the loads of what those rows show.
"""

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import selectinload

from portfolio.db import session
from portfolio.definitions.reports import ReportState
from portfolio.numbers import parse_int
from portfolio.permissions import visible_projects
from portfolio.projects.models import Category, Location, Plan, Project, ProjectLocation, ProjectUnit
from portfolio.reporting.models import ReportingPeriod, StatusReport

ANNEX_ORDER = (Project.category_id, Project.seq_no, Project.id)


@dataclass(frozen=True)
class PeriodFilter:
    """The period page's filters from the query string; unknown or malformed values are ignored."""

    state: ReportState | None = None
    county_id: int | None = None
    category_id: int | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "PeriodFilter":
        state = args.get("state") or ""
        return cls(
            ReportState(state) if state in ReportState._value2member_map_ else None,
            parse_int((args.get("county") or "").strip()),
            parse_int((args.get("category") or "").strip()),
            max(parse_int((args.get("page") or "").strip()) or 1, 1),
        )

    def as_args(self, **changes) -> dict:
        """The query arguments that reproduce this filter, with some changed (the pagination macro's API)."""
        values = {
            "state": self.state.value if self.state else None,
            "county": self.county_id,
            "category": self.category_id,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass
class PeriodPage:
    rows: list[tuple[Project, StatusReport | None]]
    counts: dict[ReportState, int]  # under the county and category filters, every state
    total: int  # rows matching every filter
    page: int
    pages: int
    filters: PeriodFilter = field(default_factory=PeriodFilter)

    @property
    def all_states(self) -> int:
        return sum(self.counts.values())

    @property
    def requested(self) -> int:
        """The page asked for (past the end, the last is shown and the page says so)."""
        return self.filters.page


def _base(period: ReportingPeriod, user, filters: PeriodFilter) -> Select:
    """Project outer-joined to its report for the period, in the user's scope, by county and category."""
    stmt = (
        select(Project, StatusReport)
        .outerjoin(
            StatusReport,
            and_(StatusReport.project_id == Project.id, StatusReport.period_id == period.id),
        )
        .where(Project.plan_id == period.plan_id, visible_projects(user))
    )
    if filters.category_id:
        stmt = stmt.where(Project.category_id == filters.category_id)
    if filters.county_id:
        in_county = select(ProjectLocation.project_id).where(ProjectLocation.location_id == filters.county_id)
        stmt = stmt.where(Project.id.in_(in_county))
    return stmt


def _in_state(stmt: Select, state: ReportState | None) -> Select:
    if state is None:
        return stmt
    if state is ReportState.MISSING:
        return stmt.where(StatusReport.id.is_(None))
    return stmt.where(StatusReport.status == state.value)


def count_period_states(period: ReportingPeriod, user, filters: PeriodFilter) -> dict[ReportState, int]:
    """How many of the filtered projects are in each report state (one GROUP BY)."""
    base = _base(period, user, filters).with_only_columns(StatusReport.status, func.count(Project.id))
    counts = dict.fromkeys(ReportState, 0)
    for status, n in session.execute(base.group_by(StatusReport.status)):
        counts[ReportState.MISSING if status is None else ReportState(status.value)] += n
    return counts


def list_period_page(period: ReportingPeriod, user, filters: PeriodFilter, page_size: int) -> PeriodPage:
    """One page of the period's projects in the user's scope, filtered, in annex order."""
    counts = count_period_states(period, user, filters)
    total = counts[filters.state] if filters.state else sum(counts.values())
    pages = max((total + page_size - 1) // page_size, 1)
    page = min(filters.page, pages)
    # The page's ids first, read in annex order off ix_projects_annex_order; then only those rows in full.
    ids = session.scalars(
        _in_state(_base(period, user, filters), filters.state)
        .with_only_columns(Project.id)
        .order_by(*ANNEX_ORDER)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    stmt = (
        select(Project, StatusReport)
        .outerjoin(
            StatusReport,
            and_(StatusReport.project_id == Project.id, StatusReport.period_id == period.id),
        )
        .where(Project.id.in_(ids))
        .options(
            selectinload(Project.locations),
            selectinload(Project.unit_links).joinedload(ProjectUnit.unit),
        )
        .order_by(*ANNEX_ORDER)
    )
    rows = [(project, report) for project, report in session.execute(stmt)] if ids else []
    return PeriodPage(rows, counts, total, page, pages, filters)


def list_period_choices(plan: Plan) -> dict:
    """The filter bar's options: the plan's categories and the counties (two statements)."""
    categories = session.scalars(
        select(Category).where(Category.plan_id == plan.id).order_by(Category.number)
    )
    locations = session.scalars(select(Location).order_by(Location.sort_order))
    return {"categories": categories.all(), "locations": locations.all()}
