"""Real logins through the login form: cookies, logout and disabling that truly end sessions."""

import pytest

from portfolio import create_app
from tests.factories import PASSWORD

PROTECTED = "/account/password"  # any page that needs a login will do; every role may see this one


def _login(client, username: str, remember: bool = False):
    data = {"username": username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _set_cookies(response) -> dict[str, str]:
    """Cookie name -> its Set-Cookie header."""
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def _copy(app, source, names) -> object:
    """A new client holding copies of the source client's cookies, as a thief would."""
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        thief.set_cookie(name, cookie.value)
    return thief


def _signed_in(client) -> bool:
    return client.get(PROTECTED).status_code == 200


def test_session_and_remember_cookies_are_httponly_and_samesite_lax(client, users):
    headers = _set_cookies(_login(client, "planner", remember=True))
    for name in ("session", "remember_token"):
        assert name in headers
        attributes = headers[name].lower()
        assert "httponly" in attributes and "samesite=lax" in attributes
        assert "secure" not in attributes  # plain HTTP in development


@pytest.fixture
def production_app(monkeypatch, database_url, tmp_path, users):
    monkeypatch.setenv("FLASK_ENV_PRODUCTION", "1")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "prod-test"})
    app.config.update(WTF_CSRF_ENABLED=False, PASSWORD_HASH_CHEAP=True)
    yield app
    app.extensions["db_engine"].dispose()


def test_production_cookies_are_secure_and_hsts_is_sent(production_app):
    client = production_app.test_client()
    response = _login(client, "planner", remember=True)
    headers = _set_cookies(response)
    for name in ("session", "remember_token"):
        attributes = headers[name].lower()
        assert "secure" in attributes and "httponly" in attributes and "samesite=lax" in attributes
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_session_cookie_copied_before_logout_is_refused_after_it(app, users):
    client = app.test_client()
    _login(client, "officer")
    stolen = _copy(app, client, ["session"])
    assert _signed_in(stolen)  # the copy works while the session lives
    assert client.post("/logout").status_code == 302
    assert not _signed_in(stolen)
    assert not _signed_in(client)


def test_a_remember_cookie_copied_before_logout_is_refused_after_it(app, users):
    client = app.test_client()
    _login(client, "officer", remember=True)
    stolen = _copy(app, client, ["remember_token"])  # no session cookie: the remember cookie alone
    assert _signed_in(stolen)
    client.post("/logout")
    assert not _signed_in(_copy(app, stolen, ["remember_token"]))


def test_disabling_an_account_ends_its_copied_sessions(app, users, role_client):
    client = app.test_client()
    _login(client, "reviewer", remember=True)
    session_copy = _copy(app, client, ["session"])
    remember_copy = _copy(app, client, ["remember_token"])
    assert _signed_in(session_copy) and _signed_in(remember_copy)
    role_client("admin").post(f"/users/{users['reviewer'].id}/active", data={"active": "0"})
    assert not _signed_in(session_copy)
    assert not _signed_in(remember_copy)
    assert not _signed_in(client)


def test_logout_ends_this_session_and_the_account_page_ends_the_others(app, users):
    """Logout ends this browser's session; "sign out the others" on the account page ends the rest."""
    first, second, third = app.test_client(), app.test_client(), app.test_client()
    for client in (first, second, third):
        _login(client, "planner")
    first.post("/logout")
    assert not _signed_in(first) and _signed_in(second) and _signed_in(third)
    assert second.post("/account/sessions/others").status_code == 302
    assert _signed_in(second) and not _signed_in(third)
