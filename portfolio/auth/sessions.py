"""Signed-in browsers: a row per session, checked on every request against idle time and lifetime.

The session id travels inside Flask-Login's user id ("id:token:sid"), in the session cookie and in the
remember cookie alike, so neither outlives its row. A request refreshes last_seen_at at most once a
minute, which keeps reads nearly write-free; a read writes it in a short transaction of its own.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from portfolio.auth.models import User, UserSession
from portfolio.db import session, utcnow
from portfolio.unit_of_work import write_apart

TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionRules:
    idle: timedelta
    lifetime: timedelta

    @classmethod
    def from_config(cls, config) -> "SessionRules":
        return cls(
            timedelta(minutes=int(config.get("SESSION_IDLE_MINUTES") or 30)),
            timedelta(hours=int(config.get("SESSION_LIFETIME_HOURS") or 12)),
        )


def start_session(user: User, ip: str | None, user_agent: str | None) -> UserSession:
    """Open a new session row for a login; the user object will carry its id from now on."""
    row = UserSession(
        user_id=user.id,
        sid=secrets.token_hex(16),
        ip=(ip or "-")[:45],
        user_agent=(user_agent or "")[:200],
    )
    session.add(row)
    session.flush()
    user.current_sid = row.sid
    return row


def find_session(user_id: int, sid: str) -> tuple[User, UserSession] | None:
    """The user and their session row named by a cookie, in one query (every request asks)."""
    found = session.execute(_USER_AND_SESSION, {"user_id": user_id, "sid": sid}).first()
    return (found[0], found[1]) if found else None


# Built once: building the statement and its cache key anew was a visible part of every request.
_USER_AND_SESSION = (
    select(User, UserSession)
    .join(UserSession, UserSession.user_id == User.id)
    .where(User.id == bindparam("user_id"), UserSession.sid == bindparam("sid"))
)


def check_session(user: User, row: UserSession, rules: SessionRules) -> bool:
    """Whether this session is alive (not ended, not idle too long, not too old); refreshes last seen.

    The refresh is written apart from a read-only request's transaction (unit_of_work.write_apart).
    """
    now = utcnow()
    if row.ended_at is not None:
        return False
    if now - row.last_seen_at > rules.idle or now - row.created_at > rules.lifetime:
        return False
    if now - row.last_seen_at > TOUCH_EVERY:
        write_apart(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
    user.current_sid = row.sid
    return True


def end_session(sid: str | None) -> None:
    """End one session (logout)."""
    if sid:
        session.execute(update(UserSession).where(UserSession.sid == sid).values(ended_at=utcnow()))


def end_other_sessions(user: User, keep_sid: str | None) -> int:
    """End every session of the user but this one; returns how many ended."""
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep_sid:
        stmt = stmt.where(UserSession.sid != keep_sid)
    return session.execute(stmt.values(ended_at=utcnow())).rowcount or 0


def list_active_sessions(user: User, rules: SessionRules) -> list[UserSession]:
    """The user's sessions still alive, most recently seen first."""
    now = utcnow()
    rows = session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    )
    return [r for r in rows if now - r.last_seen_at <= rules.idle and now - r.created_at <= rules.lifetime]


def session_ends_at(row: UserSession, rules: SessionRules) -> datetime:
    return min(row.last_seen_at + rules.idle, row.created_at + rules.lifetime)
