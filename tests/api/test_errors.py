"""Unknown URLs and HTTP errors under /api/v1 answer JSON with a Chinese message, with a token or without."""

import re

import pytest

from portfolio.db import session
from tests.api.helpers import token
from tests.factories import make_project

CHINESE = re.compile(r"[\u4e00-\u9fff]")

CASES = [
    ("GET", "/api/v1/nothing", 404),
    ("GET", "/api/v1/projects/abc", 404),
    ("GET", "/api/v1/projects/1/extra", 404),
    ("GET", "/api/v1", 404),
    ("POST", "/api/v1/projects", 405),
    ("DELETE", "/api/v1/summary", 405),
    ("PUT", "/api/v1/nothing", 404),
]


def _json_error(response, status: int) -> str:
    assert response.status_code == status
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()["error"]
    assert body["status"] == status and CHINESE.search(body["message"])
    assert "<html" not in response.get_data(as_text=True).lower()
    return body["message"]


@pytest.mark.parametrize(("method", "url", "status"), CASES)
def test_unknown_urls_and_wrong_methods_answer_json(app, users, method, url, status):
    plaintext = token(users["admin"])
    client = app.test_client()
    with_token = client.open(url, method=method, headers={"Authorization": f"Bearer {plaintext}"})
    _json_error(with_token, status)
    _json_error(client.open(url, method=method), status)
    if status == 405:
        assert "GET" in with_token.headers["Allow"]


def test_endpoint_refusals_stay_json(app, users):
    make_project()
    session.commit()
    plaintext = token(users["planner"])
    headers = {"Authorization": f"Bearer {plaintext}"}
    client = app.test_client()
    assert "per_page" in _json_error(client.get("/api/v1/projects?per_page=x", headers=headers), 400)
    _json_error(client.get("/api/v1/projects/999999", headers=headers), 404)
    _json_error(client.get("/api/v1/projects"), 401)


def test_web_pages_keep_the_html_error_page(app, role_client):
    response = role_client("planner").get("/projects/999999")
    assert response.status_code == 404 and not response.is_json
    assert "<html" in response.get_data(as_text=True).lower()
    assert not app.test_client().get("/api/v1x").is_json
