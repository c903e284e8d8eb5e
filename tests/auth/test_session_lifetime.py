"""Sessions expire: idle timeout and absolute lifetime (configurable), a new session and CSRF token at
login, the account page listing active sessions with "sign out the others", and a password change that
ends the others."""

from datetime import timedelta

import pytest

from portfolio import create_app
from portfolio.auth import sessions
from tests.factories import PASSWORD

PROTECTED = "/account/password"
NEW = "Another#pass2024"


def _login(client, username="planner", remember=False):
    data = {"username": username, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    assert client.post("/login", data=data).status_code == 302


def _signed_in(client) -> bool:
    return client.get(PROTECTED).status_code == 200


@pytest.fixture
def clock(monkeypatch):
    """Move the sessions' clock forward: clock(minutes=31)."""
    start = sessions.utcnow()
    now = [start]
    monkeypatch.setattr(sessions, "utcnow", lambda: now[0])

    def advance(**delta):
        now[0] = now[0] + timedelta(**delta)

    return advance


@pytest.mark.parametrize("minutes,alive", [(29, True), (31, False), (60 * 24 * 30, False)])
def test_idle_timeout(app, users, clock, minutes, alive):
    client = app.test_client()
    _login(client, remember=True)  # the remember cookie does not outlive the session either
    clock(minutes=minutes)
    assert _signed_in(client) is alive


def test_absolute_lifetime_even_when_active(app, users, clock):
    client = app.test_client()
    _login(client)
    for _ in range(35):  # a request every 20 minutes for 11 h 40 min
        clock(minutes=20)
        assert _signed_in(client)
    clock(minutes=21)
    assert not _signed_in(client)


def test_a_thirty_day_old_copied_cookie_is_refused(app, users, clock):
    client = app.test_client()
    _login(client, remember=True)
    thief = app.test_client()
    for name in ("session", "remember_token"):
        thief.set_cookie(name, client.get_cookie(name).value)
    assert _signed_in(thief)
    clock(days=30)
    assert not _signed_in(thief)


@pytest.fixture
def short_app(database_url, tmp_path, users):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "short",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_CHEAP": True,
            "SESSION_IDLE_MINUTES": 5,
            "SESSION_LIFETIME_HOURS": 1,
        }
    )
    yield app
    app.extensions["db_engine"].dispose()


def test_timeouts_are_configurable(short_app, clock):
    client = short_app.test_client()
    _login(client)
    clock(minutes=4)
    assert _signed_in(client)
    clock(minutes=6)
    assert not _signed_in(client)


def _user_id(client) -> str:
    with client.session_transaction() as s:
        return s.get("_user_id", "")


@pytest.fixture
def csrf_app(database_url, tmp_path, users):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "csrf", "PASSWORD_HASH_CHEAP": True}
    )
    yield app
    app.extensions["db_engine"].dispose()


def _token(client, url="/login") -> str:
    page = client.get(url).get_data(as_text=True)
    return page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]


def test_login_gives_a_new_session_id_and_csrf_token(csrf_app):
    client = csrf_app.test_client()
    before = _token(client)
    data = {"username": "planner", "password": PASSWORD, "csrf_token": before}
    assert client.post("/login", data=data).status_code == 302
    first_sid = _user_id(client).rsplit(":", 1)[-1]
    with client.session_transaction() as s:
        assert s.get("csrf_token") is None  # the anonymous session's token is gone
    after = _token(client, PROTECTED)
    assert after and after != before
    stale = client.post("/account/sessions/others", data={"csrf_token": before})
    assert stale.status_code == 400  # the pre-login token no longer works
    client.post("/logout", data={"csrf_token": after})
    data["csrf_token"] = _token(client)
    client.post("/login", data=data)
    assert _user_id(client).rsplit(":", 1)[-1] not in ("", first_sid)


def test_account_page_lists_sessions_and_signs_out_the_others(app, users):
    mine, laptop, phone = app.test_client(), app.test_client(), app.test_client()
    for client in (mine, laptop, phone):
        _login(client)
    page = mine.get("/account/sessions").get_data(as_text=True)
    assert page.count("<tr>") == 1 + 3 and "当前设备" in page and "退出其他所有登录" in page
    mine.post("/account/sessions/others")
    assert _signed_in(mine) and not _signed_in(laptop) and not _signed_in(phone)
    assert mine.get("/account/sessions").get_data(as_text=True).count("<tr>") == 1 + 1


def test_password_change_ends_the_other_sessions_only(app, users):
    mine, other = app.test_client(), app.test_client()
    _login(mine, remember=True)
    _login(other, remember=True)
    data = {"current": PASSWORD, "password": NEW, "confirm": NEW}
    assert mine.post("/account/password", data=data).status_code == 302
    assert _signed_in(mine) and not _signed_in(other)


def test_a_read_refreshing_its_session_survives_a_write_committed_meanwhile(app, users, clock):
    """The once-a-minute last-seen refresh of a GET is written apart from the page's read transaction.

    Written inside it, SQLite refused it ("database is locked", a 500 page) whenever another connection had
    committed since the read began: two workers under load did so about once a minute.
    """
    from flask import request
    from sqlalchemy import func, select, update

    from portfolio.auth.models import User, UserSession
    from portfolio.db import session

    @app.before_request
    def _read_then_let_another_connection_write():
        if request.path != PROTECTED:
            return
        session.scalar(select(func.count(User.id)))  # the page's read transaction has begun
        with app.extensions["db_engine"].connect() as other:
            other.execute(update(User).where(User.username == "admin").values(display_name="管理员甲"))
            other.commit()

    client = app.test_client()
    _login(client)
    clock(minutes=2)  # the refresh is due
    assert _signed_in(client)
    seen = session.scalar(select(UserSession.last_seen_at).order_by(UserSession.id.desc()).limit(1))
    assert seen >= sessions.utcnow() - timedelta(seconds=1)  # the refresh itself was kept
