"""Writing to the audit log. Nothing in the application updates or deletes an entry."""

from portfolio.audit.models import AuditEntry
from portfolio.db import session


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
