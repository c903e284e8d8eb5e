"""Reads of 督办 items: one item, a user's list, a project's items, the open items a home page lists."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portfolio.auth.models import Role
from portfolio.db import session
from portfolio.errors import NotFound
from portfolio.permissions import responsible_counties, visible_projects
from portfolio.projects.models import LifecycleStatus, Location, Project, ProjectUnit
from portfolio.projects.queries import get_selected_plan
from portfolio.reporting.progress import default_as_of, progress_for
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


def list_items(user, state: str, today: date) -> list[SupervisionItem]:
    """The user's visible items in a state (see STATE_FILTERS), newest number first."""
    stmt = _visible(user).order_by(SupervisionItem.year.desc(), SupervisionItem.number.desc())
    if state in ("open", "overdue"):
        stmt = stmt.where(SupervisionItem.state != ItemState.CLOSED)
    elif state == "owed":
        stmt = stmt.where(SupervisionItem.state.in_(OWED))
    elif state == "answered":
        stmt = stmt.where(SupervisionItem.state == ItemState.ANSWERED)
    elif state == "closed":
        stmt = stmt.where(SupervisionItem.state == ItemState.CLOSED)
    if state == "overdue":
        stmt = stmt.where(SupervisionItem.state.in_(OWED), SupervisionItem.deadline < today)
    return list(session.scalars(stmt))


def list_open_items(user, today: date | None = None) -> list[SupervisionItem]:
    """What a home page lists: an officer's items awaiting their answer; everyone else's unclosed items."""
    stmt = _visible(user).order_by(SupervisionItem.deadline, SupervisionItem.id)
    if user.role == Role.COUNTY_OFFICER:
        stmt = stmt.where(SupervisionItem.state.in_(OWED))
    else:
        stmt = stmt.where(SupervisionItem.state != ItemState.CLOSED)
    return list(session.scalars(stmt))


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
    """Red projects of the current plan with no open item: the ones a planner is offered to 督办."""
    plan = get_selected_plan(None)
    open_items = select(SupervisionItem.project_id).where(SupervisionItem.state != ItemState.CLOSED)
    projects = list(
        session.scalars(
            select(Project)
            .where(
                Project.plan_id == plan.id,
                visible_projects(user),
                Project.id.not_in(open_items),
                Project.status.not_in((LifecycleStatus.WITHDRAWN, LifecycleStatus.CANCELLED)),
            )
            .options(selectinload(Project.locations))
            .order_by(Project.id)
        )
    )
    progress = progress_for(projects, default_as_of(plan))
    return [
        Candidate(p, progress[p.id].warning.reason)
        for p in projects
        if progress[p.id].warning.level == Level.RED
    ]


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
