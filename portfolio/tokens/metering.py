"""Counting and auditing API token use.

A request's transaction normally rolls back on an error response, but a refused or failed API call must
still count against the token's rate limit and stay in the audit log, or 404s could probe ids without
limit or trace. So the meter marks its writes to be kept whatever the response (keep_on_error); API
requests write nothing else.
"""

import math
from datetime import datetime, timedelta

from sqlalchemy import case, update

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.tokens.models import ApiToken
from portfolio.unit_of_work import keep_on_error


def meter_use(token: ApiToken, now: datetime, limit: int, window_seconds: int, path: str) -> int | None:
    """Count one request in the token's window and audit it; when the window is already full, the whole
    seconds until it ends (for Retry-After), else None."""
    expired = ApiToken.window_started_at.is_(None) | (
        ApiToken.window_started_at <= now - timedelta(seconds=window_seconds)
    )
    table = ApiToken.__table__
    # One atomic UPDATE: concurrent requests of one token never lose a count.
    count, started_at = session.execute(
        update(table)
        .where(table.c.id == token.id)
        .values(
            window_started_at=case((expired, now), else_=table.c.window_started_at),
            window_count=case((expired, 1), else_=table.c.window_count + 1),
            last_used_at=now,
        )
        .returning(table.c.window_count, table.c.window_started_at)
    ).one()
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
    if allowed:
        return None
    left = (started_at.replace(tzinfo=None) + timedelta(seconds=window_seconds) - now).total_seconds()
    return max(1, math.ceil(left))
