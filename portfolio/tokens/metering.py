"""Counting and auditing API token use.

A request's transaction normally rolls back on an error response, but a refused or failed API call must
still count against the token's rate limit and stay in the audit log, or 404s could probe ids without
limit or trace. So the meter marks its writes to be kept whatever the response (keep_on_error); API
requests write nothing else.
"""

from datetime import datetime, timedelta

from sqlalchemy import case, update

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.tokens.models import ApiToken
from portfolio.unit_of_work import keep_on_error


def meter_use(token: ApiToken, now: datetime, limit: int, window_seconds: int, path: str) -> bool:
    """Count one request in the token's window and audit it; False when the window is already full."""
    expired = ApiToken.window_started_at.is_(None) | (
        ApiToken.window_started_at <= now - timedelta(seconds=window_seconds)
    )
    table = ApiToken.__table__
    # One atomic UPDATE: concurrent requests of one token never lose a count.
    count = session.execute(
        update(table)
        .where(table.c.id == token.id)
        .values(
            window_started_at=case((expired, now), else_=table.c.window_started_at),
            window_count=case((expired, 1), else_=table.c.window_count + 1),
            last_used_at=now,
        )
        .returning(table.c.window_count)
    ).scalar_one()
    allowed = count <= limit
    session.execute(
        AuditEntry.__table__.insert().values(
            at=now,
            user_id=token.user_id,
            action="api.request" if allowed else "api.rate_limited",
            entity_type="ApiToken",
            entity_id=token.id,
            summary=f"接口读取 {path.split('?', 1)[0]}",
            after={"路径": path, "令牌": token.prefix + "…"},
        )
    )
    keep_on_error()
    return allowed
