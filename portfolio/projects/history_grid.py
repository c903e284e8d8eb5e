"""The status-history grid (进度历史): projects × periods, one row per project, one cell per period.

Filters are the dashboard's (plan, period, category, county) plus status, the warning in the last period
shown and the lead unit (牵头单位). The page shows one page of rows; the sheet takes them all. Cells come
from the progress read model (portfolio.reporting.progress_history), a fixed number of statements a page.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, select

from portfolio.db import session
from portfolio.numbers import parse_int
from portfolio.projects.models import (
    Category,
    LifecycleStatus,
    Location,
    Plan,
    Project,
    ProjectLocation,
    ProjectUnit,
    Subcategory,
    Unit,
)
from portfolio.projects.queries import (
    ProjectFilters,
    filtered_projects,
    get_selected_plan,
)
from portfolio.reporting.models import ProgressRow, ReportingPeriod
from portfolio.reporting.progress import level_in_sql
from portfolio.reporting.progress_history import HISTORY_PERIODS, HISTORY_SPANS, HistoryCell, history_cells
from portfolio.reporting.selection import list_history_periods
from portfolio.reporting.warnings import Level

ORDER = (Category.number, Subcategory.number, Project.seq_no, Project.id)
# What a row shows and what its cells need (GridProject's fields, in order).
COLUMNS = (
    Project.id,
    Project.plan_id,
    Project.name,
    Project.status,
    Project.planned_start,
    Project.planned_end,
)


@dataclass(frozen=True)
class GridFilters:
    """Plan, category, county and status as on the project list; the last period and how many periods
    to show; the warning in the last period shown; the lead unit."""

    projects: ProjectFilters = field(default_factory=ProjectFilters)
    period_id: int | None = None
    span: int = HISTORY_PERIODS
    level: Level | None = None
    lead_unit_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "GridFilters":
        base = ProjectFilters.from_args(args)
        level = args.get("level") or ""
        span = parse_int((args.get("span") or "").strip())
        return cls(
            ProjectFilters(
                plan_id=base.plan_id,
                category_id=base.category_id,
                county_id=base.county_id,
                status=base.status,
                page=base.page,
            ),
            parse_int((args.get("period") or "").strip()),
            span if span in HISTORY_SPANS else HISTORY_PERIODS,
            Level(level) if level in Level._value2member_map_ else None,
            parse_int((args.get("lead_unit") or "").strip()),
        )

    def as_args(self, **changes) -> dict:
        """The query-string arguments that reproduce these filters, with some changed."""
        values = {
            "plan": self.projects.plan_id,
            "category": self.projects.category_id,
            "county": self.projects.county_id,
            "status": self.projects.status.value if self.projects.status else None,
            "period": self.period_id,
            "span": self.span if self.span != HISTORY_PERIODS else None,
            "level": self.level.value if self.level else None,
            "lead_unit": self.lead_unit_id,
            "page": self.projects.page if self.projects.page > 1 else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass(frozen=True)
class GridProject:
    """What a row shows of its project, read as plain rows: the sheet holds thousands, no ORM objects."""

    id: int
    plan_id: int
    name: str
    status: LifecycleStatus
    planned_start: date | None
    planned_end: date | None
    locations: str = ""  # 温县、孟州市
    lead_units: str = ""


@dataclass(frozen=True)
class GridRow:
    project: GridProject
    cells: list[HistoryCell]


@dataclass
class HistoryGrid:
    plan: Plan
    filters: GridFilters
    periods: list[ReportingPeriod]  # the columns, oldest first
    level_period: ReportingPeriod | None  # the last column: the level filter reads its warning
    rows: list[GridRow]
    total: int
    page: int = 1
    pages: int = 1


def _grid_projects(user, filters: GridFilters, plan: Plan, judged: ReportingPeriod | None) -> Select:
    stmt = filtered_projects(user, filters.projects, plan)
    if filters.lead_unit_id:
        leads = select(ProjectUnit.project_id).where(
            ProjectUnit.unit_id == filters.lead_unit_id, ProjectUnit.is_lead.is_(True)
        )
        stmt = stmt.where(Project.id.in_(leads))
    if filters.level is not None and judged is not None:
        at_period = (ProgressRow.project_id == Project.id) & (ProgressRow.period_id == judged.id)
        stmt = stmt.outerjoin(ProgressRow, at_period).where(
            level_in_sql(Project.status) == filters.level.value
        )
    return stmt


def _ordered(stmt: Select) -> Select:
    return (
        stmt.outerjoin(Category, Category.id == Project.category_id)
        .outerjoin(Subcategory, Subcategory.id == Project.subcategory_id)
        .order_by(*ORDER)
        .with_only_columns(*COLUMNS)
    )


def _names(ids) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """project id → its locations, and → its lead units, in their order."""
    places, leads = defaultdict(list), defaultdict(list)
    located = (
        select(ProjectLocation.project_id, Location.name)
        .join(Location, Location.id == ProjectLocation.location_id)
        .where(ProjectLocation.project_id.in_(ids))
        .order_by(ProjectLocation.project_id, Location.sort_order)
    )
    for project_id, name in session.execute(located):
        places[project_id].append(name)
    led = (
        select(ProjectUnit.project_id, Unit.name)
        .join(Unit, Unit.id == ProjectUnit.unit_id)
        .where(ProjectUnit.project_id.in_(ids), ProjectUnit.is_lead.is_(True))
        .order_by(ProjectUnit.project_id, ProjectUnit.position)
    )
    for project_id, name in session.execute(led):
        leads[project_id].append(name)
    return places, leads


def _grid(user, filters: GridFilters, today: date, page_size: int | None) -> HistoryGrid:
    plan = get_selected_plan(filters.projects.plan_id)
    periods = list_history_periods(plan, today, filters.period_id, filters.span)
    judged = periods[-1] if periods else None
    stmt = _grid_projects(user, filters, plan, judged)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    page, pages, ordered = 1, 1, _ordered(stmt)
    if page_size:
        pages = max((total + page_size - 1) // page_size, 1)
        page = min(filters.projects.page, pages)
        ordered = ordered.limit(page_size).offset((page - 1) * page_size)
    found = session.execute(ordered).all()
    ids = [r.id for r in found] if page_size else stmt.with_only_columns(Project.id).scalar_subquery()
    places, leads = _names(ids)
    projects = [GridProject(*r, "、".join(places[r.id]), "、".join(leads[r.id])) for r in found]
    cells = history_cells(projects, periods)
    rows = [GridRow(p, cells[p.id]) for p in projects]
    return HistoryGrid(plan, filters, periods, judged, rows, total, page, pages)


def get_history_page(user, filters: GridFilters, today: date, page_size: int) -> HistoryGrid:
    """One page of the user's visible, filtered projects with their status history."""
    return _grid(user, filters, today, page_size)


def get_history_grid(user, filters: GridFilters, today: date) -> HistoryGrid:
    """Every one of the user's visible, filtered projects with their status history (for the sheet)."""
    return _grid(user, filters, today, None)


def list_lead_units(plan: Plan) -> list[Unit]:
    """Units leading at least one of the plan's projects: the choices of the lead-unit filter."""
    leading = (
        select(ProjectUnit.unit_id)
        .join(Project, Project.id == ProjectUnit.project_id)
        .where(Project.plan_id == plan.id, ProjectUnit.is_lead.is_(True))
    )
    return list(session.scalars(select(Unit).where(Unit.id.in_(leading)).order_by(Unit.name)))
