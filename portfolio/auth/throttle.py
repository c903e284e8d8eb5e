"""Login throttling by client address: many refused logins from one address, across any usernames,
shut that address out for a while. (The per-account lock lives on User: failed_logins, locked_until.)
"""

from datetime import timedelta

from sqlalchemy import delete, func, select

from portfolio.auth.models import LoginFailure
from portfolio.db import session, utcnow

IP_MAX_FAILURES = 20
IP_WINDOW_MINUTES = 15
# Failures older than this are of no use to the throttle; they are pruned as new ones arrive.
KEEP_FOR = timedelta(days=1)


def count_recent_failures(ip: str) -> int:
    """Refused logins from this address within the throttle window."""
    since = utcnow() - timedelta(minutes=IP_WINDOW_MINUTES)
    return session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.ip == ip, LoginFailure.at > since)
    )


def address_blocked(ip: str) -> bool:
    return count_recent_failures(ip) >= IP_MAX_FAILURES


def note_failure(ip: str, username: str) -> None:
    """Remember one refused login from this address, and forget those too old to matter."""
    now = utcnow()
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - KEEP_FOR))
    session.add(LoginFailure(ip=ip, username=username[:64], at=now))
    session.flush()
