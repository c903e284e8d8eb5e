"""Reads for notifications: the unread count for the badge and a user's list, newest first."""

from sqlalchemy import func, select

from portfolio.data_version import remembered
from portfolio.db import session
from portfolio.notify.models import Notification


def count_unread(user) -> int:
    """Unread notifications of one user for every page's badge (one COUNT, remembered per data version)."""

    def read() -> int:  # built only on a miss: building a statement costs more than a memo hit
        stmt = select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
        return session.scalar(stmt) or 0

    return remembered(session, ("unread", user.id), read)


def list_notifications(user, page: int = 1, per_page: int = 30) -> tuple[list[Notification], int]:
    """One page of a user's notifications, newest first, and their total."""
    base = select(Notification).where(Notification.user_id == user.id)
    total = session.scalar(base.with_only_columns(func.count(Notification.id))) or 0
    rows = session.scalars(
        base.order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), total
