"""Reads of the register: the filtered project list, one project, and the portfolio summary.

Each read issues a fixed number of SQL statements however many projects there are.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Select, asc, desc, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from portfolio.audit.models import AuditEntry
from portfolio.data_version import remembered, statement_key
from portfolio.db import money, session
from portfolio.errors import NotFound
from portfolio.numbers import parse_int
from portfolio.permissions import county_projects, visible_projects
from portfolio.projects.models import (
    Category,
    LifecycleStatus,
    Location,
    Plan,
    Project,
    ProjectUnit,
    Subcategory,
    Unit,
)
from portfolio.reporting.place_names import list_place_names

SORTS = {
    "seq": (Category.number, Subcategory.number, Project.seq_no, Project.id),
    "name": (Project.name,),
    "total": (Project.total_investment_wan,),
    "span": (Project.span_investment_wan,),
    "start": (Project.start_year, Project.planned_start),
    "end": (Project.end_year, Project.planned_end),
    "status": (Project.status,),
}


@dataclass
class ProjectFilters:
    """The list's filters, parsed from the query string; unknown or malformed values are ignored."""

    plan_id: int | None = None
    category_id: int | None = None
    subcategory_id: int | None = None
    county_id: int | None = None
    unit_id: int | None = None
    status: LifecycleStatus | None = None
    q: str = ""
    sort: str = "seq"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "ProjectFilters":
        def number(key: str) -> int | None:
            raw = (args.get(key) or "").strip()
            return parse_int(raw)

        status = args.get("status") or ""
        sort = args.get("sort") or "seq"
        return cls(
            plan_id=number("plan"),
            category_id=number("category"),
            subcategory_id=number("subcategory"),
            county_id=number("county"),
            unit_id=number("unit"),
            status=LifecycleStatus(status) if status in LifecycleStatus._value2member_map_ else None,
            q=(args.get("q") or "").strip()[:100],
            sort=sort if sort in SORTS else "seq",
            descending=args.get("dir") == "desc",
            page=max(number("page") or 1, 1),
        )

    def as_args(self, **changes) -> dict:
        """The query-string arguments that reproduce these filters, with some changed."""
        values = {
            "plan": self.plan_id,
            "category": self.category_id,
            "subcategory": self.subcategory_id,
            "county": self.county_id,
            "unit": self.unit_id,
            "status": self.status.value if self.status else None,
            "q": self.q or None,
            "sort": self.sort if self.sort != "seq" else None,
            "dir": "desc" if self.descending else None,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass
class ProjectPage:
    plan: Plan
    projects: list  # Project objects (list_projects) or ListRow (list_project_rows)
    total: int
    page: int
    pages: int
    filters: ProjectFilters = field(default_factory=ProjectFilters)


def list_plans() -> list[Plan]:
    return list(session.scalars(select(Plan).order_by(Plan.start_year)))


class PlanChoice(NamedTuple):
    id: int
    short_name: str
    start_year: int
    end_year: int


def list_plan_choices() -> tuple[PlanChoice, ...]:
    """The plan picker's plans (as list_plans orders them), remembered per data version."""
    return remembered(
        session, ("plan_choices",), lambda: tuple(PlanChoice(*r) for r in session.execute(_PLAN_CHOICES))
    )


_PLAN_CHOICES = select(Plan.id, Plan.short_name, Plan.start_year, Plan.end_year).order_by(Plan.start_year)


def get_selected_plan(plan_id: int | None) -> Plan:
    """The plan a page shows: the one asked for, else the newest plan that holds projects."""
    if plan_id is not None:
        plan = session.get(Plan, plan_id)
        if plan is not None:
            return plan
    # EXISTS probes the plan_id index; IN (SELECT DISTINCT plan_id) read every project on every page.
    with_projects = select(Project.id).where(Project.plan_id == Plan.id).exists()
    plan = session.scalar(
        select(Plan).where(with_projects).order_by(Plan.start_year.desc()).limit(1)
    ) or session.scalar(select(Plan).order_by(Plan.start_year.desc()).limit(1))
    if plan is None:
        raise NotFound("系统中还没有规划，请先初始化规划数据。")
    return plan


def filtered_projects(user, filters: ProjectFilters, plan: Plan) -> Select:
    """SELECT Project for the user's visible projects in the plan, narrowed by the filters."""
    stmt = select(Project).where(Project.plan_id == plan.id, visible_projects(user))
    if filters.category_id:
        stmt = stmt.where(Project.category_id == filters.category_id)
    if filters.subcategory_id:
        stmt = stmt.where(Project.subcategory_id == filters.subcategory_id)
    if filters.status:
        stmt = stmt.where(Project.status == filters.status)
    if filters.county_id:  # what the county's officer sees: built there or with a unit of the county
        stmt = stmt.where(county_projects(filters.county_id))
    if filters.unit_id:
        with_unit = select(ProjectUnit.project_id).where(ProjectUnit.unit_id == filters.unit_id)
        stmt = stmt.where(Project.id.in_(with_unit))
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(Project.name.ilike(pattern, escape="\\"), Project.content.ilike(pattern, escape="\\"))
        )
    return stmt


def with_register_details(stmt: Select) -> Select:
    """Load what list rows show in a fixed number of statements."""
    return stmt.options(
        selectinload(Project.category),
        selectinload(Project.subcategory),
        selectinload(Project.locations),
        selectinload(Project.unit_links).selectinload(ProjectUnit.unit),
    )


def _page_ids(stmt: Select, filters: ProjectFilters, page_size: int) -> tuple[list, int, int, int, Callable]:
    """Of the filtered projects: the ids of the asked page in order, the total, the page, the page count,
    and the ordering."""
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    pages = max((total + page_size - 1) // page_size, 1)
    page = min(filters.page, pages)
    order = asc if not filters.descending else desc
    sort = [*[order(c) for c in SORTS[filters.sort]], Project.id]

    def in_order(stmt: Select) -> Select:
        return (
            stmt.outerjoin(Category, Category.id == Project.category_id)
            .outerjoin(Subcategory, Subcategory.id == Project.subcategory_id)
            .order_by(*sort)
        )

    # The page's ids first (sorting narrow rows), then those rows in full: sorting every column of every
    # project to keep fifty cost 10-12 ms at 10,000 projects on SQLite.
    ids = session.scalars(
        in_order(stmt.with_only_columns(Project.id)).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return list(ids), total, page, pages, in_order


def list_projects(user, filters: ProjectFilters, page_size: int) -> ProjectPage:
    """One page of the user's visible projects, filtered and sorted, as ORM objects (the API's list)."""
    plan = get_selected_plan(filters.plan_id)
    ids, total, page, pages, in_order = _page_ids(filtered_projects(user, filters, plan), filters, page_size)
    rows = (
        ids
        and session.scalars(
            in_order(select(Project).where(Project.id.in_(ids))).options(
                contains_eager(Project.category),
                contains_eager(Project.subcategory),
                selectinload(Project.locations),
                selectinload(Project.unit_links).selectinload(ProjectUnit.unit),
            )
        ).all()
    )
    return ProjectPage(plan, list(rows), total, page, pages, filters)


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row of the project list as plain values: building the ORM objects (with their locations and
    unit links) was a third of the list page's time. Also what progress_for needs of a project."""

    id: int
    plan_id: int
    seq_no: int | None
    name: str
    category_number: int | None
    category_name: str | None
    subcategory_name: str | None
    start_year: int | None
    end_year: int | None
    total_investment_wan: Decimal | None
    span_investment_wan: Decimal | None
    status: LifecycleStatus
    planned_start: date | None
    planned_end: date | None
    locations: tuple[str, ...]
    units: tuple[tuple[str, bool], ...]  # (name, is_lead) in the annex's order


def list_project_rows(user, filters: ProjectFilters, page_size: int) -> ProjectPage:
    """One page of the list (as list_projects) with only the columns the page shows.

    The page (rows, total, page number, page count) is remembered per data version under the filtered
    statement with its values (the user's visibility among them), the order and the page: the list is read
    far more often than the register changes, and its five statements were half the page's time."""
    plan = get_selected_plan(filters.plan_id)
    stmt = filtered_projects(user, filters, plan)
    key = statement_key(stmt)
    if key is not None:
        key = ("list_rows", key, filters.sort, filters.descending, filters.page, page_size)
    rows, total, page, pages = remembered(session, key, lambda: _list_rows(stmt, filters, page_size))
    return ProjectPage(plan, list(rows), total, page, pages, filters)


def _list_rows(stmt: Select, filters: ProjectFilters, page_size: int) -> tuple[tuple, int, int, int]:
    ids, total, page, pages, in_order = _page_ids(stmt, filters, page_size)
    if not ids:
        return (), total, page, pages
    locations, units = list_place_names(ids)
    rows = tuple(
        ListRow(*row, tuple(locations.get(row[0], ())), tuple(units.get(row[0], ())))
        for row in session.execute(in_order(select(*_LIST_COLUMNS).where(Project.id.in_(ids))))
    )
    return rows, total, page, pages


_LIST_COLUMNS = (
    Project.id,
    Project.plan_id,
    Project.seq_no,
    Project.name,
    Category.number,
    Category.name,
    Subcategory.name,
    Project.start_year,
    Project.end_year,
    Project.total_investment_wan,
    Project.span_investment_wan,
    Project.status,
    Project.planned_start,
    Project.planned_end,
)


class Choice(NamedTuple):
    id: int
    name: str
    number: int | None = None
    subcategories: tuple["Choice", ...] = ()


def list_filter_choices(plan: Plan) -> dict:
    """Options for the filter bar: the plan's categories and sub-categories, locations and units.

    Plain tuples remembered per data version (four statements on every list page before)."""
    return dict(remembered(session, ("filter_choices", plan.id), lambda: _filter_choices(plan.id)))


def _filter_choices(plan_id: int) -> tuple:
    categories: dict[int, tuple[Choice, list[Choice]]] = {}
    for cid, number, name, sid, sname in session.execute(
        select(Category.id, Category.number, Category.name, Subcategory.id, Subcategory.name)
        .outerjoin(Subcategory, Subcategory.category_id == Category.id)
        .where(Category.plan_id == plan_id)
        .order_by(Category.number, Category.id, Subcategory.number, Subcategory.id)
    ):
        subs = categories.setdefault(cid, (Choice(cid, name, number), []))[1]
        if sid is not None:
            subs.append(Choice(sid, sname))
    locations = session.execute(select(Location.id, Location.name).order_by(Location.sort_order))
    units = session.execute(select(Unit.id, Unit.name).order_by(Unit.name))
    return (
        ("categories", tuple(c._replace(subcategories=tuple(subs)) for c, subs in categories.values())),
        ("locations", tuple(Choice(*r) for r in locations)),
        ("units", tuple(Choice(*r) for r in units)),
    )


def get_project(project_id: int) -> Project:
    """One project with everything its detail page shows, in three statements (nine, one per relation,
    were half of the detail page's database time): the one-to-one relations and the short lists of
    locations and units joined, the longer lists of annual plans and milestones each by one more."""
    project = (
        session.scalars(
            select(Project)
            .where(Project.id == project_id)
            .options(
                joinedload(Project.plan),
                joinedload(Project.category),
                joinedload(Project.subcategory),
                joinedload(Project.locations),
                joinedload(Project.unit_links).joinedload(ProjectUnit.unit),
                selectinload(Project.annual_plans),
                selectinload(Project.milestones),
            )
        )
        .unique()
        .first()
    )
    if project is None:
        raise NotFound("项目不存在，或您无权查看。")
    return project


def list_project_history(project: Project, limit: int = 200) -> list[AuditEntry]:
    """The project's change history from the audit log, newest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "Project", AuditEntry.entity_id == project.id)
            .options(selectinload(AuditEntry.user))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def sum_money(values) -> Decimal:
    return sum((money(v) for v in values if v is not None), Decimal(0))
