"""Login throttling per (name, address) pair: no stranger can lock an account's owner out.

Also: an unknown name is answered exactly like a wrong password, administrators see and lift the
throttled pairs, and X-Forwarded-For is believed only from the configured proxy.
"""

import itertools
import re

import pytest
from sqlalchemy import select

from portfolio import create_app
from portfolio.audit.models import AuditEntry
from portfolio.auth import passwords, throttle
from portfolio.db import session
from tests.factories import PASSWORD, login_as

WRONG = "Wrong#pass99"


def _client_from(app, address: str, forwarded: str | None = None):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if forwarded:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
    return client


def _login(client, username: str, password: str = WRONG):
    return client.post("/login", data={"username": username, "password": password})


def _flash(response) -> str:
    found = re.findall(r'class="flash[^"]*"[^>]*>(.*?)<', response.get_data(as_text=True), re.S)
    return " ".join(m.strip() for m in found)


def test_a_stranger_cannot_lock_the_owner_out(app, users):
    stranger = _client_from(app, "203.0.113.66")
    for _ in range(12):
        _login(stranger, "admin")
    refused = _login(stranger, "admin", PASSWORD)  # even the right password waits, from this address
    assert refused.status_code == 200 and "请" in _flash(refused) and "后再试" in _flash(refused)
    owner = _client_from(app, "10.20.0.5")
    assert _login(owner, "admin", PASSWORD).status_code == 302


def test_one_office_behind_one_address_is_not_blocked(app, users):
    office = "10.0.0.1"
    for i in range(40):  # a careless office: many typos across many names
        _login(_client_from(app, office), f"typo{i}")
    assert _login(_client_from(app, office), "planner", PASSWORD).status_code == 302


def test_delays_grow_then_cap():
    delays = [throttle.delay_after(n).total_seconds() for n in range(0, 20)]
    assert delays[: throttle.FREE_FAILURES] == [0] * throttle.FREE_FAILURES
    grown = delays[throttle.FREE_FAILURES :]
    assert grown[0] > 0 and all(b >= a for a, b in itertools.pairwise(grown))
    assert grown[1] > grown[0] and max(grown) == throttle.MAX_DELAY.total_seconds()


def test_the_wait_passes(app, users, monkeypatch):
    client = _client_from(app, "198.51.100.4")
    for _ in range(throttle.FREE_FAILURES):
        _login(client, "planner")
    assert throttle.wait_seconds("planner", "198.51.100.4") > 0
    later = throttle.utcnow() + throttle.MAX_DELAY
    monkeypatch.setattr(throttle, "utcnow", lambda: later)
    assert throttle.wait_seconds("planner", "198.51.100.4") == 0
    assert _login(client, "planner", PASSWORD).status_code == 302


@pytest.mark.parametrize("attempts", range(1, 10))
def test_unknown_name_is_answered_exactly_like_a_wrong_password(app, users, attempts, monkeypatch):
    hashed = []
    real_verify, dummy = passwords.verify_password, passwords.verify_against_dummy
    monkeypatch.setattr(
        "portfolio.auth.services.verify_password", lambda *a: hashed.append("real") or real_verify(*a)
    )
    monkeypatch.setattr(
        "portfolio.auth.services.verify_against_dummy", lambda *a: hashed.append("dummy") or dummy(*a)
    )
    known, unknown = _client_from(app, "192.0.2.1"), _client_from(app, "192.0.2.1")
    for _ in range(attempts - 1):
        _login(known, "planner")
        _login(unknown, "nosuchuser")
    hashed.clear()
    a, b = _login(known, "planner"), _login(unknown, "nosuchuser")
    assert a.status_code == b.status_code == 200
    assert _flash(a) == _flash(b) and _flash(a)
    assert len(hashed) in (0, 2) and hashed.count("real") == hashed.count("dummy")  # same work or none


def test_admin_sees_and_lifts_a_lock(app, users):
    stranger = _client_from(app, "203.0.113.7")
    for _ in range(throttle.FREE_FAILURES + 1):
        _login(stranger, "planner")
    admin = app.test_client()
    login_as(admin, users["admin"])
    page = admin.get("/users/locks").get_data(as_text=True)
    assert "planner" in page and "203.0.113.7" in page
    assert admin.get("/users").get_data(as_text=True).count("/users/locks") >= 1
    response = admin.post("/users/locks/lift", data={"username": "planner", "ip": "203.0.113.7"})
    assert response.status_code == 302
    assert "已解除" in admin.get("/users/locks").get_data(as_text=True)  # the flash after the redirect
    assert "203.0.113.7" not in admin.get("/users/locks").get_data(as_text=True)
    assert _login(stranger, "planner", PASSWORD).status_code == 302
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "login.unlock")) is not None


@pytest.fixture
def production(database_url, monkeypatch, users):
    monkeypatch.setenv("FLASK_ENV_PRODUCTION", "1")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "proxy",
            "PASSWORD_HASH_CHEAP": True,
            "WTF_CSRF_ENABLED": False,
            "TRUSTED_PROXIES": "127.0.0.1",
        }
    )
    yield app
    app.extensions["db_engine"].dispose()


def test_forwarded_for_is_ignored_unless_it_comes_from_the_proxy(production):
    spoofed = 0
    for i in range(30):  # no proxy in between: each request claims another client address
        client = _client_from(production, "203.0.113.50", forwarded=f"10.9.{i}.{i}")
        response = _login(client, "admin")
        spoofed += "后再试" in _flash(response)
    assert spoofed >= 30 - throttle.FREE_FAILURES  # every attempt counted against the real address


def test_behind_the_proxy_clients_are_told_apart(production):
    attacker = _client_from(production, "127.0.0.1", forwarded="10.1.1.66")
    colleague = _client_from(production, "127.0.0.1", forwarded="10.1.1.7")
    for _ in range(10):
        _login(attacker, "admin")
    assert "后再试" in _flash(_login(attacker, "admin"))
    assert _login(colleague, "admin", PASSWORD).status_code == 302
