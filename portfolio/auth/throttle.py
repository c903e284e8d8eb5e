"""Login throttling per (account name, client address) pair, with growing delays.

A stranger guessing `admin`'s password from their own address slows only their own pair: the real
admin, from any other address, signs in as usual, and one office behind one address is not blocked
as a whole. The name need not exist, so an unknown name is throttled exactly like a real one.
After FREE_FAILURES refusals, each further attempt of the pair waits BASE_DELAY doubled per failure,
up to MAX_DELAY; a successful login or an administrator clears the pair.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from portfolio.auth.models import LoginFailure
from portfolio.db import session, utcnow

FREE_FAILURES = 5
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
# Failures are counted over this window and pruned once older than it.
WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class ThrottledPair:
    username: str
    ip: str
    failures: int
    last_at: datetime
    until: datetime


def _key(username: str) -> str:
    return (username or "").strip().lower()[:64]


def delay_after(failures: int) -> timedelta:
    """How long a pair must wait after its latest failure, given how many it has had."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    steps = min(failures - FREE_FAILURES, 10)
    return min(BASE_DELAY * (2**steps), MAX_DELAY)


def wait_seconds(username: str, ip: str) -> int:
    """Seconds this pair must still wait before its next attempt is even checked (0: go ahead)."""
    now = utcnow()
    count, last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.username == _key(username), LoginFailure.ip == ip, LoginFailure.at > now - WINDOW
        )
    ).one()
    if not count or last is None:
        return 0
    remaining = (last + delay_after(count) - now).total_seconds()
    return max(0, math.ceil(remaining))


def note_failure(ip: str, username: str) -> None:
    """Remember one refused login of this pair, and forget failures too old to matter."""
    now = utcnow()
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - WINDOW))
    session.add(LoginFailure(ip=ip, username=_key(username), at=now))
    session.flush()


def clear_pair(username: str, ip: str | None = None) -> int:
    """Forget the failures of this name (from one address, or from all); returns how many were dropped."""
    stmt = delete(LoginFailure).where(LoginFailure.username == _key(username))
    if ip is not None:
        stmt = stmt.where(LoginFailure.ip == ip)
    return session.execute(stmt).rowcount or 0


def list_throttled_pairs() -> list[ThrottledPair]:
    """Every pair that has used up its free attempts within the window, latest first."""
    now = utcnow()
    rows = session.execute(
        select(LoginFailure.username, LoginFailure.ip, func.count(), func.max(LoginFailure.at))
        .where(LoginFailure.at > now - WINDOW)
        .group_by(LoginFailure.username, LoginFailure.ip)
        .having(func.count() >= FREE_FAILURES)
        .order_by(func.max(LoginFailure.at).desc())
    ).all()
    return [ThrottledPair(u, ip, n, last, last + delay_after(n)) for u, ip, n, last in rows]
