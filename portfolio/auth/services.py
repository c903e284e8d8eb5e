"""Authentication and account services: login with throttling, sessions that logout really ends."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from portfolio.audit.services import record
from portfolio.auth.models import Role, User
from portfolio.auth.passwords import hash_password, password_problem, verify_password
from portfolio.db import session, utcnow
from portfolio.errors import DomainError
from portfolio.projects.models import Location, Unit

log = logging.getLogger("portfolio.security")

MAX_FAILURES = 5
LOCK_MINUTES = 15
# Verifying against a dummy hash keeps the time of a login for an unknown name like a real one.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$HFx3Uqc5nzBmsC8bqnDo1DY+5XzFyhBp4ETfu4Wg4gQ"
)


class LoginRefused(DomainError):
    pass


def load_session_user(cookie_id: str) -> User | None:
    """Flask-Login loader: the cookie holds id:token, and the token must still match."""
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.is_active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def authenticate(username: str, password: str, ip: str | None) -> User:
    """Return the user for these credentials, or raise LoginRefused; failures count toward a lock."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    now = utcnow()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        log.warning("login failed: unknown user=%s ip=%s", username, ip)
        raise LoginRefused("用户名或密码错误。")
    if user.locked_until and user.locked_until > now:
        log.warning("login refused: locked user=%s ip=%s", user.username, ip)
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        raise LoginRefused(f"连续登录失败次数过多，账号已暂时锁定，请 {minutes} 分钟后再试。")
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        log.warning("login failed: bad password user=%s ip=%s", user.username, ip)
        raise LoginRefused("用户名或密码错误。")
    if not user.is_active:
        log.warning("login refused: disabled user=%s ip=%s", user.username, ip)
        raise LoginRefused("该账号已停用，请联系系统管理员。")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def end_sessions(user: User) -> None:
    """Rotate the session token so that every cookie issued before now is refused."""
    user.session_token = secrets.token_hex(16)


@dataclass
class AccountData:
    username: str
    display_name: str
    role: Role
    county: str | None = None
    unit: str | None = None


def create_user(actor: User | None, data: AccountData, password: str) -> User:
    """Create an account; a county officer must be scoped to a county or a unit."""
    problem = password_problem(password)
    if problem:
        raise DomainError(problem)
    if session.scalar(select(User.id).where(User.username == data.username)):
        raise DomainError(f"用户名“{data.username}”已存在。")
    county, unit = _resolve_scope(data)
    user = User(
        username=data.username,
        display_name=data.display_name,
        role=data.role,
        county=county,
        unit=unit,
        password_hash=hash_password(password),
        session_token=secrets.token_hex(16),
        is_active=True,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    record(actor, "user.create", user, after=account_snapshot(user))
    return user


def _resolve_scope(data: AccountData) -> tuple[Location | None, Unit | None]:
    county = unit = None
    if data.county:
        county = session.scalar(select(Location).where(Location.name == data.county))
        if county is None:
            raise DomainError(f"未知的县区“{data.county}”。")
    if data.unit:
        unit = session.scalar(select(Unit).where(Unit.name == data.unit))
        if unit is None:
            raise DomainError(f"未知的责任单位“{data.unit}”。")
    if data.role == Role.COUNTY_OFFICER and county is None and unit is None:
        raise DomainError("县区填报账号必须指定所属县区或责任单位。")
    return county, unit


def account_snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "county": user.county.name if user.county else None,
        "unit": user.unit.name if user.unit else None,
        "is_active": user.is_active,
    }
