"""The period page's read: one page of a period's projects with their reports, filtered, and the state counts.

Filtering, counting and paging happen in SQL, so the page costs the same few statements at 86 projects
or at 10,000: a count per report state, the page's ids, its rows as plain values and their counties and
units; and the whole page is remembered per data version.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Select, and_, func, select

from portfolio.data_version import remembered, statement_key
from portfolio.db import session
from portfolio.definitions.reports import ReportState
from portfolio.numbers import parse_int
from portfolio.permissions import visible_projects
from portfolio.projects.models import LifecycleStatus, Project, ProjectLocation
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.place_names import list_place_names

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


class ReportCell(NamedTuple):
    """What a period page's row shows of the project's report for the period."""

    id: int
    status: ReportStatus
    percent_complete: Decimal | None
    invested_wan: Decimal | None


class PeriodRow(NamedTuple):
    """One row of the period page as plain values (also what progress_for needs of a project): building
    the projects, reports, locations and unit links as ORM objects was a third of the page's time."""

    id: int
    plan_id: int
    status: LifecycleStatus
    planned_start: date | None
    planned_end: date | None
    name: str
    locations: tuple[str, ...]
    lead_unit: str | None
    report: ReportCell | None


@dataclass
class PeriodPage:
    rows: tuple[PeriodRow, ...]
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


def count_period_states(base: Select) -> dict[ReportState, int]:
    """How many of the filtered projects (_base) are in each report state (one GROUP BY)."""
    columns = (StatusReport.status, func.count(Project.id))
    grouped = base.with_only_columns(*columns).group_by(StatusReport.status)
    counts = dict.fromkeys(ReportState, 0)
    for status, n in session.execute(grouped):
        counts[ReportState.MISSING if status is None else ReportState(status.value)] += n
    return counts


def list_period_page(period: ReportingPeriod, user, filters: PeriodFilter, page_size: int) -> PeriodPage:
    """One page of the period's projects in the user's scope, filtered, in annex order.

    Remembered per data version under the scoped statement with its values (the user's visibility among
    them), the state and the page: the page is read far more often than a report changes."""
    base = _base(period, user, filters)
    key = statement_key(base)
    if key is not None:
        key = ("period_page", key, filters.state, filters.page, page_size)
    counts, total, page, pages, rows = remembered(
        session, key, lambda: _period_page(period, base, filters, page_size)
    )
    return PeriodPage(rows, dict(counts), total, page, pages, filters)


def _period_page(period: ReportingPeriod, base: Select, filters: PeriodFilter, page_size: int) -> tuple:
    counts = count_period_states(base)
    total = counts[filters.state] if filters.state else sum(counts.values())
    pages = max((total + page_size - 1) // page_size, 1)
    page = min(filters.page, pages)
    # The page's ids first, read in annex order off ix_projects_annex_order; then only those rows.
    ids = session.scalars(
        _in_state(base, filters.state)
        .with_only_columns(Project.id)
        .order_by(*ANNEX_ORDER)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return tuple(counts.items()), total, page, pages, _rows(period, ids)


def _rows(period: ReportingPeriod, ids: list[int]) -> tuple[PeriodRow, ...]:
    if not ids:
        return ()
    locations, units = list_place_names(ids)
    stmt = (
        select(
            Project.id,
            Project.plan_id,
            Project.status,
            Project.planned_start,
            Project.planned_end,
            Project.name,
            StatusReport.id,
            StatusReport.status,
            StatusReport.percent_complete,
            StatusReport.invested_wan,
        )
        .outerjoin(
            StatusReport,
            and_(StatusReport.project_id == Project.id, StatusReport.period_id == period.id),
        )
        .where(Project.id.in_(ids))
        .order_by(*ANNEX_ORDER)
    )
    return tuple(
        PeriodRow(
            *row[:6],
            tuple(locations.get(row[0], ())),
            next((name for name, lead in units.get(row[0], ()) if lead), None),
            ReportCell(*row[6:]) if row[6] is not None else None,
        )
        for row in session.execute(stmt)
    )
