"""CSRF, password hashing, login throttling, security headers and the security log."""

import logging

import pytest
from argon2 import Type, extract_parameters
from flask import Flask

from portfolio import create_app
from portfolio.auth.passwords import hash_password, verify_password
from portfolio.config import load_config
from portfolio.permissions import PUBLIC_ENDPOINTS
from tests.factories import PASSWORD, login_as
from tests.world import build_world

CSRF_MESSAGE = "CSRF 校验失败"
SECURITY_LOG = "portfolio.security"


@pytest.fixture
def csrf_app(database_url, tmp_path, users):
    """The app as deployed: CSRF protection on (the shared fixture turns it off for brevity)."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "csrf-test",
            "WTF_CSRF_ENABLED": True,
            "PASSWORD_HASH_CHEAP": True,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )
    yield app
    app.extensions["db_engine"].dispose()


def test_a_post_without_csrf_token_is_refused_in_chinese(csrf_app):
    response = csrf_app.test_client().post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert CSRF_MESSAGE in response.get_data(as_text=True)


def test_the_login_form_carries_a_working_token(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_every_post_route_refuses_a_request_without_token(csrf_app, users):
    client = csrf_app.test_client()
    login_as(client, users["admin"])
    posts = [rule for rule in csrf_app.url_map.iter_rules() if "POST" in rule.methods]
    assert posts, "no POST route to check"
    refused = {}
    for rule in posts:
        url = rule.build(dict.fromkeys(rule.arguments, 1), append_unknown=False)[1]
        response = client.post(url, data={})
        refused[rule.rule] = response.status_code == 400 and CSRF_MESSAGE in response.get_data(as_text=True)
    assert [path for path, ok in refused.items() if not ok] == []


def test_production_hasher_is_argon2id_at_owasp_strength():
    assert not load_config(None).get("PASSWORD_HASH_CHEAP")  # nothing but tests turn on the cheap hasher
    production = Flask("production-like")
    with production.app_context():
        stored = hash_password("Correct#horse1")
        assert verify_password(stored, "Correct#horse1") and not verify_password(stored, "wrong")
    params = extract_parameters(stored)
    assert params.type is Type.ID
    # OWASP's Argon2id floor is 19 MiB, 2 passes; this is RFC 9106's low-memory profile: 64 MiB, 3 passes.
    assert params.memory_cost >= 64 * 1024 and params.time_cost >= 3 and params.parallelism >= 1
    assert params.salt_len >= 16 and params.hash_len >= 32


def _client_from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _fail(client, username: str):
    return client.post("/login", data={"username": username, "password": "Wrong#pass99"})


REQUIRED_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


def test_security_headers_on_every_response(app, users):
    world = build_world(users)
    admin, anonymous = app.test_client(), app.test_client()
    login_as(admin, users["admin"])
    missing = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = world.args(rule.arguments, "own") | (
            {"filename": "css/app.css"} if "filename" in rule.arguments else {}
        )
        url = rule.build(values, append_unknown=False)[1]
        for who, client in (("admin", admin), ("anonymous", anonymous)):
            response = client.get(url)
            missing += [(url, who, h) for h in REQUIRED_HEADERS if h not in response.headers]
    for url in ("/no-such-page", "/static/no-such-file.css"):
        missing += [(url, "404", h) for h in REQUIRED_HEADERS if h not in anonymous.get(url).headers]
    assert missing == []
    csp = anonymous.get("/login").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert anonymous.get("/login").headers["X-Frame-Options"] == "DENY"


def test_failed_logins_are_logged(app, users, caplog):
    caplog.set_level(logging.WARNING, logger=SECURITY_LOG)
    client = _client_from(app, "198.51.100.7")
    _fail(client, "planner")
    _fail(client, "nobody")
    messages = [r.getMessage() for r in caplog.records if r.name == SECURITY_LOG]
    assert any("bad password" in m and "user=planner" in m and "198.51.100.7" in m for m in messages)
    assert any("unknown user" in m and "user=nobody" in m for m in messages)


def test_denied_actions_are_logged(app, users, role_client, caplog):
    caplog.set_level(logging.WARNING, logger=SECURITY_LOG)
    assert role_client("reviewer").get("/users").status_code == 403
    assert (
        role_client("planner").post(f"/users/{users['admin'].id}/active", data={"active": "0"}).status_code
        == 403
    )
    messages = [r.getMessage() for r in caplog.records if r.name == SECURITY_LOG]
    assert any("denied user=reviewer action=user.manage" in m and "path=/users" in m for m in messages)
    assert any("denied user=planner action=user.manage" in m for m in messages)


def test_public_endpoints_are_only_login_and_static():
    assert {"auth.login", "static"} == PUBLIC_ENDPOINTS
