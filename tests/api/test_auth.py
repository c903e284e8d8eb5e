"""Bearer tokens only: bad, expired or revoked tokens and cookies get 401 JSON; use is limited and audited."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portfolio.audit.models import AuditEntry
from portfolio.db import session, utcnow
from portfolio.tokens.models import ApiToken
from portfolio.tokens.services import hash_token
from tests.api.helpers import get, token
from tests.factories import login_as, make_project

ENDPOINTS = ("/api/v1/projects", "/api/v1/periods", "/api/v1/summary")


def _is_refusal(response) -> bool:
    return (
        response.status_code == 401
        and response.is_json
        and response.headers["WWW-Authenticate"].startswith("Bearer")
        and response.get_json()["error"]["message"]
    )


@pytest.mark.parametrize("url", ENDPOINTS)
def test_no_token_wrong_token_and_cookies_get_401_json(app, users, url):
    make_project()
    session.commit()
    client = app.test_client()
    assert _is_refusal(client.get(url))
    assert _is_refusal(get(client, url, "pft_not-a-real-token"))
    assert _is_refusal(client.get(url, headers={"Authorization": "Basic YWRtaW46eA=="}))
    login_as(client, users["admin"])  # a logged-in browser session is not an API credential
    assert client.get("/projects").status_code == 200
    assert _is_refusal(client.get(url))


def test_expired_revoked_and_disabled_tokens_are_refused(app, users, role_client):
    client = app.test_client()
    expired = token(users["planner"], days=1)
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(expired)))
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    response = get(client, "/api/v1/projects", expired)
    assert _is_refusal(response) and "过期" in response.get_json()["error"]["message"]

    live = token(users["planner"])
    assert get(client, "/api/v1/projects", live).status_code == 200
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(live)))
    role_client("admin").post("/account/tokens/revoke", data={"token_id": row.id})
    response = get(client, "/api/v1/projects", live)
    assert _is_refusal(response) and "吊销" in response.get_json()["error"]["message"]

    reviewer = token(users["reviewer"])
    users["reviewer"].is_active = False
    session.commit()
    assert _is_refusal(get(client, "/api/v1/projects", reviewer))


def test_only_a_hash_is_stored_and_each_admitted_request_is_audited(app, users):
    plaintext = token(users["officer"])
    row = session.scalar(select(ApiToken))
    assert row.token_hash == hash_token(plaintext) and plaintext not in (row.token_hash, row.prefix)
    before = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "api.request")
    )
    get(app.test_client(), "/api/v1/projects?per_page=5", plaintext)
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "api.request").order_by(AuditEntry.id.desc())
    )
    assert entry.user_id == users["officer"].id and entry.after["路径"] == "/api/v1/projects?per_page=5"
    assert (
        session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "api.request"))
        == before + 1
    )
    session.expire_all()
    assert session.scalar(select(ApiToken)).last_used_at is not None


def test_requests_over_the_limit_get_429_until_the_window_passes(app, users):
    app.config.update(API_RATE_LIMIT=3, API_RATE_WINDOW=60)
    plaintext = token(users["planner"])
    client = app.test_client()
    assert [get(client, "/api/v1/periods", plaintext).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = get(client, "/api/v1/periods", plaintext)
    assert refused.status_code == 429 and "过于频繁" in refused.get_json()["error"]["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    row = session.scalar(select(ApiToken))
    row.window_started_at = utcnow() - timedelta(seconds=61)
    session.commit()
    assert get(client, "/api/v1/periods", plaintext).status_code == 200


@pytest.mark.parametrize("url", (*ENDPOINTS, "/api/v1/projects/999999", "/api/v1/openapi.json"))
def test_every_429_says_in_retry_after_how_many_seconds_the_window_has_left(app, users, url):
    app.config.update(API_RATE_LIMIT=1, API_RATE_WINDOW=60)
    plaintext, client = token(users["planner"]), app.test_client()
    get(client, url, plaintext)
    row = session.scalar(select(ApiToken))
    row.window_started_at = utcnow() - timedelta(seconds=50)  # about 10 seconds of the window left
    session.commit()
    refused = get(client, url, plaintext)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 10
    assert f"{refused.headers['Retry-After']} 秒后" in refused.get_json()["error"]["message"]
    other = get(client, url, "pft_not-a-real-token")  # other refusals name no wait
    assert other.status_code == 401 and "Retry-After" not in other.headers


def test_create_token_prints_the_token_once(app, users, runner):
    result = runner.invoke(args=["create-token", "--user", "officer", "--days", "30"])
    assert result.exit_code == 0, result.output
    printed = result.output.strip().splitlines()[-1]
    assert printed.startswith("pft_") and "有效期 30 天" in result.output
    assert get(app.test_client(), "/api/v1/projects", printed).status_code == 200
    unknown = runner.invoke(args=["create-token", "--user", "nobody"])
    assert unknown.exit_code != 0 and "不存在" in unknown.output
    bad_days = runner.invoke(args=["create-token", "--user", "officer", "--days", "0"])
    assert bad_days.exit_code != 0 and "有效天数" in bad_days.output


def test_token_page_admin_sees_all_others_their_own_and_only_admins_revoke_others(app, users, role_client):
    officer_token = token(users["officer"])
    token(users["planner"])
    admin_page = role_client("admin").get("/account/tokens").get_data(as_text=True)
    assert "officer" in admin_page and "planner" in admin_page
    officer_page = role_client("officer").get("/account/tokens").get_data(as_text=True)
    assert (
        "（officer）" in officer_page
        and "（planner）" not in officer_page
        and officer_token not in officer_page
    )
    planners = session.scalar(select(ApiToken).where(ApiToken.user_id == users["planner"].id))
    refused = role_client("officer").post(
        "/account/tokens/revoke", data={"token_id": planners.id}, follow_redirects=True
    )
    assert "无权" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(ApiToken, planners.id).revoked_at is None
    mine = session.scalar(select(ApiToken).where(ApiToken.user_id == users["officer"].id))
    done = role_client("officer").post(
        "/account/tokens/revoke", data={"token_id": mine.id}, follow_redirects=True
    )
    assert "已吊销" in done.get_data(as_text=True)


def test_a_refused_lookup_still_counts_and_is_audited(app, users):
    app.config.update(API_RATE_LIMIT=2, API_RATE_WINDOW=60)
    other = make_project(counties=["孟州市"])
    session.commit()
    plaintext, client = token(users["officer"]), app.test_client()
    assert get(client, f"/api/v1/projects/{other.id}", plaintext).status_code == 404
    assert get(client, f"/api/v1/projects/{other.id}", plaintext).status_code == 404
    assert get(client, "/api/v1/projects", plaintext).status_code == 429  # the 404s counted
    session.expire_all()
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "ApiToken").order_by(AuditEntry.id)
    ).all()
    assert actions == ["api_token.create", "api.request", "api.request", "api.rate_limited"]
