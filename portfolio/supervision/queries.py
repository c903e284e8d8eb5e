"""Reads of 督办 items: one item, a user's list, a project's items, the open items a home page lists."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portfolio.auth.models import Role
from portfolio.data_version import remembered, statement_key
from portfolio.db import session
from portfolio.errors import NotFound
from portfolio.permissions import responsible_counties, visible_projects
from portfolio.projects.models import LifecycleStatus, Location, Project, ProjectUnit
from portfolio.projects.queries import get_selected_plan
from portfolio.reporting.models import ProgressRow
from portfolio.reporting.progress import (
    PROGRESS_INPUTS,
    anchor_period_id,
    default_as_of,
    level_in_sql,
    progress_for,
)
from portfolio.reporting.warnings import Level
from portfolio.supervision.models import ItemState, SupervisionEvent, SupervisionFile, SupervisionItem

STATE_FILTERS = {
    "open": "未办结",
    "owed": "待答复",
    "answered": "待审核",
    "overdue": "已逾期",
    "closed": "已办结",
    "all": "全部",
}
OWED = (ItemState.ISSUED, ItemState.RETURNED)


def _item_options():
    return (
        selectinload(SupervisionItem.project).selectinload(Project.locations),
        selectinload(SupervisionItem.project).selectinload(Project.unit_links).selectinload(ProjectUnit.unit),
        selectinload(SupervisionItem.unit),
        selectinload(SupervisionItem.county),
        selectinload(SupervisionItem.issued_by),
        selectinload(SupervisionItem.events).selectinload(SupervisionEvent.user),
        selectinload(SupervisionItem.events).selectinload(SupervisionEvent.files),
    )


def get_item(item_id: int) -> SupervisionItem:
    item = session.scalar(
        select(SupervisionItem).where(SupervisionItem.id == item_id).options(*_item_options())
    )
    if item is None:
        raise NotFound("督办事项不存在，或您无权查看。")
    return item


def get_file(file_id: int) -> SupervisionFile:
    found = session.get(SupervisionFile, file_id)
    if found is None:
        raise NotFound("附件不存在。")
    return found


def _visible(user):
    return (
        select(SupervisionItem)
        .join(Project, Project.id == SupervisionItem.project_id)
        .where(visible_projects(user))
        .options(*_item_options())
    )


@dataclass
class ItemPage:
    """One page of a user's items, with the count of all that match."""

    items: list[SupervisionItem]
    total: int
    page: int
    pages: int


@dataclass
class OpenItems:
    """The first open items a home page lists, and how many there are in all."""

    items: list[SupervisionItem]
    total: int

    def __bool__(self) -> bool:
        return self.total > 0


HOME_LIMIT = 20


def _in_state(state: str, today: date) -> list:
    if state in ("open", "overdue"):
        conditions = [SupervisionItem.state != ItemState.CLOSED]
    elif state == "owed":
        conditions = [SupervisionItem.state.in_(OWED)]
    elif state == "answered":
        conditions = [SupervisionItem.state == ItemState.ANSWERED]
    elif state == "closed":
        conditions = [SupervisionItem.state == ItemState.CLOSED]
    else:
        conditions = []
    if state == "overdue":
        conditions += [SupervisionItem.state.in_(OWED), SupervisionItem.deadline < today]
    return conditions


def _count(user, conditions: list) -> int:
    return session.scalar(
        select(func.count())
        .select_from(SupervisionItem)
        .join(Project, Project.id == SupervisionItem.project_id)
        .where(visible_projects(user), *conditions)
    )


def list_items(user, state: str, today: date, page: int = 1, per_page: int = 50) -> ItemPage:
    """A page of the user's visible items in a state (see STATE_FILTERS), newest number first.

    Counted in SQL; only the page's rows are loaded."""
    conditions = _in_state(state, today)
    total = _count(user, conditions)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    stmt = (
        _visible(user)
        .where(*conditions)
        .order_by(SupervisionItem.year.desc(), SupervisionItem.number.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return ItemPage(list(session.scalars(stmt)), total, page, pages)


def list_open_items(user, today: date | None = None, limit: int = HOME_LIMIT) -> OpenItems:
    """What a home page lists: an officer's items awaiting their answer; everyone else's unclosed items.
    The earliest deadlines first, at most `limit` of them; the total says how many there are."""
    if user.role == Role.COUNTY_OFFICER:
        conditions = [SupervisionItem.state.in_(OWED)]
    else:
        conditions = [SupervisionItem.state != ItemState.CLOSED]
    stmt = (
        _visible(user).where(*conditions).order_by(SupervisionItem.deadline, SupervisionItem.id).limit(limit)
    )
    items = list(session.scalars(stmt))
    total = len(items) if len(items) < limit else _count(user, conditions)
    return OpenItems(items, total)


def list_project_items(project: Project) -> list[SupervisionItem]:
    """A project's items, newest first."""
    stmt = (
        select(SupervisionItem)
        .where(SupervisionItem.project_id == project.id)
        .options(*_item_options())
        .order_by(SupervisionItem.issued_at.desc(), SupervisionItem.id.desc())
    )
    return list(session.scalars(stmt))


def latest_items(project_ids) -> dict[int, SupervisionItem]:
    """project id → its newest item, for the 督办清单."""
    stmt = (
        select(SupervisionItem)
        .where(SupervisionItem.project_id.in_(project_ids))
        .options(*_item_options())
        .order_by(SupervisionItem.issued_at, SupervisionItem.id)
    )
    return {item.project_id: item for item in session.scalars(stmt)}


@dataclass(frozen=True)
class Candidate:
    project: Project
    reason: str


def list_red_candidates(user) -> list[Candidate]:
    """Red projects of the current plan with no open item: the ones a planner is offered to 督办.

    At a period end the read model's red rows pick them in SQL; at another date every project is judged.
    """
    plan = get_selected_plan(None)
    as_of = default_as_of(plan)
    open_items = select(SupervisionItem.project_id).where(SupervisionItem.state != ItemState.CLOSED)
    stmt = select(Project).where(
        Project.plan_id == plan.id,
        visible_projects(user),
        Project.id.not_in(open_items),
        Project.status.not_in((LifecycleStatus.WITHDRAWN, LifecycleStatus.CANCELLED)),
    )
    anchor = anchor_period_id(plan.id, as_of)
    if anchor is not None:
        stmt = stmt.join(
            ProgressRow, (ProgressRow.project_id == Project.id) & (ProgressRow.period_id == anchor)
        ).where(level_in_sql(Project.status) == Level.RED.value)
    else:  # today inside an open period: judged from live progress, remembered until the data changes
        red = remembered(session, ("red live", statement_key(stmt), as_of), lambda: _red_ids(stmt, as_of))
        stmt = stmt.where(Project.id.in_(red))
    projects = list(session.scalars(stmt.options(selectinload(Project.locations)).order_by(Project.id)))
    progress = progress_for(projects, as_of)
    return [
        Candidate(p, progress[p.id].warning.reason)
        for p in projects
        if progress[p.id].warning.level == Level.RED
    ]


def _red_ids(stmt, as_of) -> tuple[int, ...]:
    rows = session.execute(stmt.with_only_columns(*PROGRESS_INPUTS)).all()
    progress = progress_for(rows, as_of)
    return tuple(r.id for r in rows if progress[r.id].warning.level == Level.RED)


def list_choices(project: Project) -> dict:
    """Units and counties an item on this project may name: its own units, and the counties whose officers
    answer for it (naming any other would address the item to someone who cannot see the project)."""
    counties = responsible_counties(project)
    return {
        "units": [link.unit for link in project.unit_links],
        "counties": [
            loc
            for loc in session.scalars(select(Location).order_by(Location.sort_order))
            if loc.is_county and loc.id in counties
        ],
    }
