"""Writing to the audit log. Nothing in the application updates or deletes an entry."""

from portfolio.audit.models import AuditEntry
from portfolio.db import insert_rows, session, utcnow

BULK_COLUMNS = ("entity_id", "summary", "before", "after", "at", "user_id", "action", "entity_type")


def record(
    actor,
    action: str,
    entity,
    before: dict | None = None,
    after: dict | None = None,
    summary: str | None = None,
    entity_type: str | None = None,
) -> AuditEntry:
    """Append one entry: who (actor may be None for the system), what, and the values before and after."""
    entry = AuditEntry(
        user_id=getattr(actor, "id", None),
        action=action,
        entity_type=entity_type or type(entity).__name__,
        entity_id=getattr(entity, "id", None),
        summary=summary,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def record_many(actor, action: str, entity_type: str, entries: list[tuple]) -> None:
    """Append one entry per (entity id, summary, before, after), all by one bulk insert: an import
    audits each of its 10,000 projects, and an ORM object per entry cost more than the insert."""
    fixed = (utcnow(), getattr(actor, "id", None), action, entity_type)
    insert_rows(session.connection(), AuditEntry.__table__, BULK_COLUMNS, [(*e, *fixed) for e in entries])
