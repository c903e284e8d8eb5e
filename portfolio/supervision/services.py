"""The 督办 loop: issue an item, answer it, send it back or close it, escalate it when overdue.

The caller (a view) has checked the user may act on the item; services check only the item's state.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from portfolio.auth.models import Role
from portfolio.db import session, utcnow
from portfolio.errors import Conflict, DomainError
from portfolio.notify.models import NotificationKind
from portfolio.notify.services import list_active_users, notify, notify_responsible_officers
from portfolio.permissions import responsible_counties
from portfolio.plans.state import ensure_plan_open
from portfolio.projects.models import Location, Project, Unit
from portfolio.reporting.attachments import check, upload_dir
from portfolio.supervision.models import (
    EventKind,
    ItemState,
    SupervisionEvent,
    SupervisionFile,
    SupervisionItem,
)
from portfolio.unit_of_work import on_rollback

MAX_FILES = 10
TEXT_LIMIT = 4000


@dataclass(frozen=True)
class ItemInput:
    unit_id: int | None
    county_id: int | None
    problem: str
    measures_required: str
    deadline: date | None


@dataclass(frozen=True)
class AnswerInput:
    measures_taken: str
    progress: str
    files: list[tuple[str, bytes]] = field(default_factory=list)


# A 督办 item is a short loop: its deadline is at most this many days after it is issued.
MAX_DEADLINE_DAYS = 366


def _text(value: str | None, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(f"请填写{label}。")
    if len(text) > TEXT_LIMIT:
        raise DomainError(f"{label}不能超过 {TEXT_LIMIT} 字。")
    return text


def _responsible(project: Project, data: ItemInput) -> tuple[Unit | None, Location | None]:
    """The unit and county the item names: the project's own, so that whoever answers can see it."""
    unit = session.get(Unit, data.unit_id) if data.unit_id else None
    county = session.get(Location, data.county_id) if data.county_id else None
    if (data.unit_id and unit is None) or (data.county_id and county is None):
        raise DomainError("所选责任单位或县区不存在，请重新选择。")
    if unit is None and county is None:
        raise DomainError("请指定责任单位或责任县区。")
    if unit is not None and unit.id not in {link.unit_id for link in project.unit_links}:
        raise DomainError(f"“{unit.name}”不是该项目的牵头或配合单位，请从项目的责任单位中选择。")
    if county is not None and county.id not in responsible_counties(project):
        raise DomainError(f"“{county.name}”不是该项目的建设地点或责任县区，该县区看不到此项目，请重新选择。")
    return unit, county


def _refuse_second_open_item(project: Project) -> None:
    """One open item per project: a second (a double click, a form opened before a colleague issued one)
    would give the same problem two numbers; the open item is returned or escalated instead."""
    open_item = session.scalar(
        select(SupervisionItem)
        .where(SupervisionItem.project_id == project.id, SupervisionItem.state != ItemState.CLOSED)
        .limit(1)
    )
    if open_item is not None:
        raise Conflict(
            f"该项目已有未办结的{open_item.code}（{open_item.state.label}），请在该事项中继续办理，办结后再下达新的督办。"
        )


def _link(item: SupervisionItem) -> str:
    return f"/supervision/items/{item.id}"


def _tell_officers(item: SupervisionItem, title: str, body: str) -> None:
    notify_responsible_officers(item.project, NotificationKind.SUPERVISION, title, body, _link(item))


def _tell_planners(item: SupervisionItem, title: str, body: str) -> None:
    notify(list_active_users(Role.PLANNER), NotificationKind.SUPERVISION, title, body, _link(item))


def next_number(year: int) -> int:
    """The next free N of 督办〔year〕N号."""
    return (
        session.scalar(select(func.max(SupervisionItem.number)).where(SupervisionItem.year == year)) or 0
    ) + 1


def issue_item(actor, project: Project, data: ItemInput, today: date) -> SupervisionItem:
    """Issue a numbered 督办 item for a project to its responsible unit or county."""
    ensure_plan_open(project.plan)  # a closed plan's projects take no new work
    _refuse_second_open_item(project)
    unit, county = _responsible(project, data)
    if data.deadline is None or data.deadline < today:
        raise DomainError("办理期限不能早于今天。")
    latest = today + timedelta(days=MAX_DEADLINE_DAYS)
    if data.deadline > latest:
        raise DomainError(
            f"办理期限不能晚于 {latest.isoformat()}：督办事项应在一年内办结，长期问题请分阶段督办。"
        )
    item = SupervisionItem(
        project=project,
        year=today.year,
        number=next_number(today.year),
        unit=unit,
        county=county,
        problem=_text(data.problem, "存在问题"),
        measures_required=_text(data.measures_required, "整改措施要求"),
        deadline=data.deadline,
        state=ItemState.ISSUED,
        issued_by_id=getattr(actor, "id", None),
    )
    item.events.append(SupervisionEvent(kind=EventKind.ISSUED, user_id=getattr(actor, "id", None)))
    session.add(item)
    session.flush()
    _tell_officers(
        item,
        f"{item.code}：请于 {item.deadline.isoformat()} 前答复",
        f"“{project.name}”存在问题：{item.problem}。整改要求：{item.measures_required}。",
    )
    return item


def _check_version(item: SupervisionItem, version: int | None) -> None:
    if version is not None and version != item.version:
        raise Conflict(f"{item.code}已被他人处理（状态：{item.state.label}），请刷新页面后再操作。")


def _store_files(actor, event: SupervisionEvent, files: list[tuple[str, bytes]]) -> None:
    if len(files) > MAX_FILES:
        raise DomainError(f"每次答复最多上传 {MAX_FILES} 个附件。")
    checked = [(check(name, content), content) for name, content in files]  # all checked before any write
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for (shown, content_type), content in checked:
        stored = secrets.token_hex(16) + Path(shown).suffix.lower()
        path = folder / stored
        path.write_bytes(content)
        on_rollback(lambda path=path: path.unlink(missing_ok=True))  # no orphan file if nothing commits
        event.files.append(
            SupervisionFile(
                original_name=shown,
                stored_name=stored,
                content_type=content_type,
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )


def answer_item(
    actor, item: SupervisionItem, data: AnswerInput, version: int | None = None
) -> SupervisionEvent:
    """The responsible county's answer: measures taken, progress and files; the item awaits the planner."""
    _check_version(item, version)
    if item.state not in (ItemState.ISSUED, ItemState.RETURNED):
        raise DomainError(f"{item.code}当前状态为“{item.state.label}”，不能答复。")
    event = SupervisionEvent(
        kind=EventKind.ANSWERED,
        user_id=getattr(actor, "id", None),
        measures_taken=_text(data.measures_taken, "已采取的措施"),
        progress=_text(data.progress, "整改进展"),
    )
    _store_files(actor, event, data.files)
    item.events.append(event)
    item.state = ItemState.ANSWERED
    session.flush()
    _tell_planners(item, f"{item.code}已答复，待审核", f"“{item.project.name}”：{event.measures_taken}")
    return event


def _decide(actor, item: SupervisionItem, version: int | None) -> None:
    _check_version(item, version)
    if item.state != ItemState.ANSWERED:
        raise DomainError(f"{item.code}当前状态为“{item.state.label}”，须待责任单位答复后才能办结或退回。")


def close_item(actor, item: SupervisionItem, note: str, version: int | None = None) -> None:
    """Accept the answer: the item is closed (办结)."""
    _decide(actor, item, version)
    item.events.append(
        SupervisionEvent(kind=EventKind.CLOSED, user_id=actor.id, note=(note or "").strip() or None)
    )
    item.state = ItemState.CLOSED
    item.closed_at = utcnow()
    session.flush()
    _tell_officers(item, f"{item.code}已办结", f"“{item.project.name}”的督办事项已办结。")


def return_item(actor, item: SupervisionItem, reason: str, version: int | None = None) -> None:
    """Send the answer back with a reason; the county answers again."""
    _decide(actor, item, version)
    item.events.append(
        SupervisionEvent(kind=EventKind.RETURNED, user_id=actor.id, note=_text(reason, "退回理由"))
    )
    item.state = ItemState.RETURNED
    session.flush()
    _tell_officers(item, f"{item.code}被退回重办", f"退回理由：{reason.strip()}")


def escalate_item(actor, item: SupervisionItem, note: str, today: date, version: int | None = None) -> None:
    """Raise an overdue item a level (升级督办), with what was done about it."""
    _check_version(item, version)
    if not item.is_overdue(today):
        raise DomainError(f"{item.code}未逾期，不能升级督办。")
    item.events.append(
        SupervisionEvent(kind=EventKind.ESCALATED, user_id=actor.id, note=_text(note, "升级督办说明"))
    )
    item.escalations += 1
    session.flush()
