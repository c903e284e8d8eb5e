"""Sending notifications, finding who answers for a project, and marking messages read."""

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select, update

from portfolio.auth.models import Role, User
from portfolio.db import session, utcnow
from portfolio.errors import NotFound
from portfolio.notify.mail import queue_mail
from portfolio.notify.models import Notification, NotificationKind, Reminder


def notify(
    users: Iterable[User],
    kind: NotificationKind,
    title: str,
    body: str,
    link: str | None = None,
    reminder: Reminder | None = None,
) -> tuple[list[Notification], int]:
    """Notify each active user in-app and, with SMTP set up, by e-mail; returns them and the mail count."""
    made, mails = [], 0
    seen = set()
    for user in users:
        if user.id in seen or not user.is_active:
            continue
        seen.add(user.id)
        made.append(Notification(user=user, kind=kind, title=title, body=body, link=link, reminder=reminder))
        mails += queue_mail(user.email, f"【重大工程调度】{title}", _mail_body(body, link))
    session.add_all(made)
    session.flush()
    return made, mails


def _mail_body(body: str, link: str | None) -> str:
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    where = f"\n\n请登录系统处理：{base}{link}" if link and base else "\n\n请登录系统处理。"
    return body + where + "\n\n（本邮件由焦作市生态环境重大工程项目调度系统自动发送，请勿回复。）"


def project_keys(project) -> set[tuple[str, int]]:
    """The counties and units a project answers to: its locations, its units and their counties."""
    keys = {("county", loc.id) for loc in project.locations}
    for link in project.unit_links:
        keys.add(("unit", link.unit_id))
        if link.unit.county_id is not None:
            keys.add(("county", link.unit.county_id))
    return keys


def officer_keys(user: User) -> set[tuple[str, int]]:
    keys = set()
    if user.county_id is not None:
        keys.add(("county", user.county_id))
    if user.unit_id is not None:
        keys.add(("unit", user.unit_id))
    return keys


def list_active_users(role: Role) -> list[User]:
    """Every active account of one role."""
    stmt = select(User).where(User.role == role, User.is_active.is_(True)).order_by(User.id)
    return list(session.scalars(stmt))


def responsible_officers(project) -> list[User]:
    """The active county officers who answer for this project (the same rule as the permission check)."""
    keys = project_keys(project)
    return [u for u in list_active_users(Role.COUNTY_OFFICER) if officer_keys(u) & keys]


def notify_responsible_officers(project, kind: NotificationKind, title: str, body: str, link: str | None):
    """Notify the officers answering for a project, e.g. of a new 督办 item; returns the notifications."""
    made, _ = notify(responsible_officers(project), kind, title, body, link)
    return made


def open_notification(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read and return it (others' look absent)."""
    found = session.get(Notification, notification_id)
    if found is None or found.user_id != user.id:
        raise NotFound("通知不存在。")
    if found.read_at is None:
        found.read_at = utcnow()
    session.flush()
    return found


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
