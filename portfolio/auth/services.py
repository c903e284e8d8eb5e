"""Authentication and account services: login with throttling, sessions that logout really ends."""

import json
import logging
import math
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from portfolio.audit.display import field_changes
from portfolio.audit.services import record
from portfolio.auth.models import Role, User
from portfolio.auth.passwords import (
    hash_password,
    password_problem,
    verify_against_dummy,
    verify_password,
)
from portfolio.auth.sessions import SessionRules, check_session, end_other_sessions, find_session
from portfolio.auth.throttle import (
    ThrottledPair,
    clear_pair,
    list_throttled_pairs,
    note_failure,
    wait_seconds,
)
from portfolio.db import session, utcnow
from portfolio.errors import Conflict, DomainError
from portfolio.numbers import parse_int
from portfolio.projects.models import Location, Unit

log = logging.getLogger("portfolio.security")

MAX_FAILURES = 5
LOCK_MINUTES = 15
# Verifying against a dummy hash keeps the time of a login for an unknown name like a real one.


class LoginRefused(DomainError):
    keeps_changes = True  # the failure count toward the lock must survive the refusal


def load_session_user(cookie_id: str, rules: SessionRules) -> User | None:
    """Flask-Login loader: the cookie holds id:token:sid; the token must match and the session be alive."""
    user_id, token, sid = [*cookie_id.split(":", 2), "", ""][:3]
    if parse_int(user_id) is None or not token or not sid:
        return None
    found = find_session(parse_int(user_id), sid)
    if found is None:
        return None
    user, row = found
    if not user.is_active or not secrets.compare_digest(user.session_token, token):
        return None
    return user if check_session(user, row, rules) else None


def authenticate(username: str, password: str, ip: str | None) -> User:
    """Return the user for these credentials, or raise LoginRefused; failures slow this name+address pair.

    An unknown name is answered exactly as a wrong password: same message, same hashing work, same delays.
    """
    ip = ip or "-"
    wait = wait_seconds(username, ip)
    if wait:
        log.warning("login refused: pair throttled user=%s ip=%s wait=%ss", username, ip, wait)
        raise LoginRefused(_wait_message(wait))
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        verify_against_dummy(password)
        _refuse("unknown user", username, ip)
    if not verify_password(user.password_hash, password):
        _refuse("bad password", username, ip)
    if not user.is_active:
        raise LoginRefused("该账号已停用，请联系系统管理员。")
    clear_pair(username, ip)
    user.last_login_at = utcnow()
    return user


def _wait_message(seconds: int) -> str:
    span = f"{seconds} 秒" if seconds < 120 else f"{math.ceil(seconds / 60)} 分钟"
    return f"用户名或密码错误次数过多，请 {span}后再试。"


def _refuse(reason: str, username: str, ip: str):
    log.warning("login failed: %s user=%s ip=%s", reason, username, ip)
    note_failure(ip, username)
    wait = wait_seconds(username, ip)
    raise LoginRefused("用户名或密码错误。" + (_wait_message(wait) if wait else ""))


def list_login_locks() -> list[ThrottledPair]:
    """The name+address pairs now slowed down by the throttle, for the administrators' page."""
    return list_throttled_pairs()


def lift_login_lock(actor: User, username: str, ip: str) -> int:
    """Clear one pair's failures so it may try again at once; audited."""
    dropped = clear_pair(username, ip)
    if dropped:
        account = session.scalar(select(User).where(User.username == username))
        after = {"username": username, "ip": ip, "failures": dropped}
        record(actor, "login.unlock", account, after=after, entity_type="User")
    return dropped


def end_sessions(user: User) -> None:
    """Rotate the session token and end every session row, so every cookie issued before now is refused."""
    user.session_token = secrets.token_hex(16)
    end_other_sessions(user, None)


@dataclass
class AccountData:
    username: str
    display_name: str
    role: Role
    county: str | None = None
    unit: str | None = None
    email: str | None = None


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
        email=data.email,
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
        "email": user.email,
        "is_active": user.is_active,
    }


def account_marker(user: User) -> str:
    """The account's editable state as the edit form saw it; a form carrying an older one is stale."""
    return json.dumps(account_snapshot(user), ensure_ascii=False, sort_keys=True)


def update_account(actor: User, user: User, data: AccountData, marker: str) -> bool:
    """Change name, role and scope; refuse a stale form and never leave the system without an admin."""
    before = account_snapshot(user)
    if marker != account_marker(user):
        raise Conflict(
            f"该账号在您打开页面后已被他人修改（{_describe_change(marker, before)}），请核对后重新提交。"
        )
    county, unit = _resolve_scope(data)
    if user.role == Role.ADMIN and data.role != Role.ADMIN and user.is_active:
        _ensure_another_admin(user)
    user.display_name = data.display_name
    user.email = data.email
    user.role = data.role
    user.county, user.unit = county, unit
    after = account_snapshot(user)
    if after == before:
        return False
    record(actor, "user.update", user, before=before, after=after)
    return True


def set_active(actor: User, user: User, active: bool) -> None:
    """Enable or disable an account; disabling ends all of its sessions at once."""
    if user.is_active == active:
        raise DomainError("该账号已是启用状态。" if active else "该账号已是停用状态。")
    if not active and user.role == Role.ADMIN:
        _ensure_another_admin(user)
    before = account_snapshot(user)
    user.is_active = active
    if not active:
        end_sessions(user)
    record(
        actor, "user.enable" if active else "user.disable", user, before=before, after=account_snapshot(user)
    )


def reset_password(actor: User, user: User, password: str) -> None:
    """Set a new password chosen by an admin, lift any lock, and end the user's sessions."""
    _check_new_password(password)
    before = {"password": "（原密码）", "locked": _is_locked(user)}
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    clear_pair(user.username)
    end_sessions(user)
    record(
        actor, "user.password_reset", user, before=before, after={"password": "（新密码）", "locked": False}
    )


def change_own_password(user: User, current: str, password: str) -> None:
    """A user changes their own password; every other session of theirs ends."""
    if not verify_password(user.password_hash, current):
        raise DomainError("当前密码不正确。")
    _check_new_password(password)
    if verify_password(user.password_hash, password):
        raise DomainError("新密码不能与当前密码相同。")
    user.password_hash = hash_password(password)
    keep = getattr(user, "current_sid", None)
    user.session_token = secrets.token_hex(16)  # every remember cookie of another browser dies too
    end_other_sessions(user, keep)
    record(
        user,
        "user.password_change",
        user,
        before={"password": "（原密码）"},
        after={"password": "（新密码）"},
    )


def _check_new_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise DomainError(problem)


def _is_locked(user: User) -> bool:
    return any(pair.username == user.username.lower() for pair in list_throttled_pairs())


def _ensure_another_admin(user: User) -> None:
    """Refuse a change that would leave no active admin; the row lock serialises two admins racing."""
    others = session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id)
        .with_for_update()
    ).all()
    if not others:
        raise DomainError("系统中须至少保留一名启用状态的系统管理员，此操作无法执行。")


def _describe_change(marker: str, current: dict) -> str:
    try:
        seen = json.loads(marker)
    except ValueError:
        seen = {}
    changed = field_changes(seen if isinstance(seen, dict) else {}, current)
    return "；".join(f"{label}：{old} → {new}" for label, old, new in changed) or "状态已变化"
