"""Reads of the audit log: filtered, newest first, a page at a time, in a fixed number of statements."""

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.localtime import local_day_end, local_day_start


@dataclass(frozen=True)
class AuditFilters:
    user_id: int | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    date_from: date | None = None  # inclusive, a local (Beijing) date
    date_to: date | None = None  # inclusive, a local (Beijing) date

    def as_args(self, **changes) -> dict:
        """Query-string arguments reproducing these filters, for links such as the next page."""
        values = asdict(self) | changes
        values["user"] = values.pop("user_id")  # the form field's name
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v is not None}


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int
    filters: AuditFilters


def _conditions(f: AuditFilters) -> list:
    conditions = []
    if f.user_id is not None:
        conditions.append(AuditEntry.user_id == f.user_id)
    if f.action:
        conditions.append(AuditEntry.action == f.action)
    if f.entity_type:
        conditions.append(AuditEntry.entity_type == f.entity_type)
    if f.entity_id is not None:
        conditions.append(AuditEntry.entity_id == f.entity_id)
    if f.date_from:
        conditions.append(AuditEntry.at >= local_day_start(f.date_from))
    if f.date_to:
        conditions.append(AuditEntry.at < local_day_end(f.date_to))
    return conditions


def list_entries(filters: AuditFilters, page: int, per_page: int) -> AuditPage:
    """One page of matching entries with their users: three statements whatever the page holds."""
    conditions = _conditions(filters)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    entries = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return AuditPage(list(entries), total, page, pages, filters)


def list_actions() -> list[str]:
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def list_entity_types() -> list[str]:
    return list(session.scalars(select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)))
