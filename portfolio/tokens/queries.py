"""Reads of API tokens."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portfolio.auth.models import Role, User
from portfolio.db import session
from portfolio.tokens.models import ApiToken


def list_tokens(viewer: User) -> list[ApiToken]:
    """Every token for an administrator; one's own tokens for anyone else. Newest first."""
    stmt = (
        select(ApiToken)
        .options(selectinload(ApiToken.user), selectinload(ApiToken.revoked_by))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    if viewer.role != Role.ADMIN:
        stmt = stmt.where(ApiToken.user_id == viewer.id)
    return list(session.scalars(stmt))
