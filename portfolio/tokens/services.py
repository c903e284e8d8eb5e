"""API token rules: making a token (shown once, stored as a hash), revoking, and checking one on a request."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from portfolio.audit.services import record
from portfolio.auth.models import Role, User
from portfolio.db import session, utcnow
from portfolio.errors import DomainError, NotFound
from portfolio.tokens.models import ApiToken

TOKEN_PREFIX = "pft_"
MAX_DAYS = 3650


class ApiAuthError(DomainError):
    """A request whose token is missing, unknown, expired or revoked, or whose account is disabled."""

    status = 401


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class NewToken:
    token: ApiToken
    plaintext: str  # shown once; only its hash is stored


def create_token(actor, username: str, days: int | None = None, label: str | None = None) -> NewToken:
    """Make a token for an active account, valid for `days` (None: until revoked)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"账号“{username}”不存在。")
    if not user.is_active:
        raise DomainError(f"账号“{username}”已停用，不能创建令牌。")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise DomainError(f"有效天数应在 1 到 {MAX_DAYS} 之间。")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        label=(label or "").strip()[:100] or None,
        token_hash=hash_token(plaintext),
        prefix=plaintext[:12],
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
        window_count=0,
    )
    session.add(token)
    session.flush()
    after = {"账号": user.username, "令牌": token.prefix + "…", "有效天数": days or "长期"}
    record(actor, "api_token.create", token, after=after, summary=f"为 {user.username} 创建接口令牌")
    return NewToken(token, plaintext)


def revoke_token(actor: User, token_id: int) -> ApiToken:
    """Revoke a token: an administrator any token, anyone else only their own."""
    token = session.get(ApiToken, token_id)
    if token is None or (actor.role != Role.ADMIN and token.user_id != actor.id):
        raise NotFound("令牌不存在，或您无权操作。")
    if token.revoked_at is not None:
        raise DomainError("该令牌已吊销。")
    token.revoked_at, token.revoked_by_id = utcnow(), actor.id
    session.flush()
    record(
        actor,
        "api_token.revoke",
        token,
        before={"状态": "有效"},
        after={"状态": "已吊销"},
        summary="吊销接口令牌",
    )
    return token


def authenticate(header: str | None, now: datetime) -> ApiToken:
    """The live token a request's `Authorization: Bearer …` header names, or ApiAuthError."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiAuthError("缺少访问令牌：请在请求头中提供 Authorization: Bearer <令牌>。")
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(value.strip())))
    if token is None:
        raise ApiAuthError("访问令牌无效。")
    if token.revoked_at is not None:
        raise ApiAuthError("访问令牌已吊销。")
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiAuthError("访问令牌已过期。")
    if not token.user.is_active:
        raise ApiAuthError("令牌所属账号已停用。")
    return token
