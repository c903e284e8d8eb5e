"""Malformed requests and stored bad numbers, walked over the whole URL map.

Every rule is requested with hostile values in each <int:…> argument, with hostile values in every query
parameter any view reads (found by scanning the views, so a new one joins by itself), and every POST rule
with hostile values in every form field name the app's forms use. Nothing may answer 500, and an error
page is Chinese. Then a world whose stored numbers are non-finite or absurd is walked: no page, sheet or
report may fail.
"""

import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError

from portfolio import create_app
from portfolio.db import session
from tests.factories import login_as
from tests.test_hostile_numbers import _APP, FORMS, _walk_fields
from tests.world import build_world

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_IDS = ["9" * 25, "2147483648", "99999999999"]
HOSTILE_VALUES = [
    "9" * 25,
    "abc",
    "-1",
    "Infinity",
    "sNaN",
    "1e308",
    "/%0D%0ASet-Cookie:x=1",
    "\r\nSet-Cookie: x=1",
    "//evil.example",
    "%00",
    "<script>",
    "2023-99-99",
    "",
]
ROLES = ("admin", "planner", "officer", "reviewer")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _query_names() -> list[str]:
    """Every query parameter a view or a filter object reads."""
    names = set()
    for path in (ROOT / "portfolio").rglob("*.py"):
        source = path.read_text()
        names |= set(re.findall(r"args\.get\(\s*\"(\w+)\"", source))
        names |= set(re.findall(r"\bnumber\(\"(\w+)\"\)", source))
    names |= {"next", "dir", "sort", "status", "q", "date_from", "date_to", "entity_id", "user", "action"}
    return sorted(names)


def _form_names() -> list[str]:
    names = {"version", "id", "csrf_token", "next", "updated_at", "marker", "token", "sha256"}
    with _APP.test_request_context():
        for cls in FORMS:
            form = cls(formdata=None, meta={"csrf": False})
            names |= {field.name for field in form}
            names |= {path for path, _ in _walk_fields(form)}
    return sorted(names)


def _rules():
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "collect"})
    return sorted(
        (r.rule, method)
        for r in app.url_map.iter_rules()
        if r.endpoint != "static"
        for method in ("GET", "POST")
        if method in r.methods
    )


RULES = _rules()
QUERY_NAMES = _query_names()
FORM_NAMES = _form_names()


@pytest.fixture
def world(app, users):
    return build_world(users)


def _fill(rule: str, world, replace: str | None) -> str:
    def value(match):
        name = match.group(1)
        return replace if replace is not None else str(world.own.get(name, 1))

    return re.sub(r"<int:(\w+)>", value, rule)


def _check(response, where: str, wrong: list) -> None:
    if response.status_code >= 500:
        wrong.append(f"{where}: {response.status_code}")
    elif response.status_code in (400, 404) and response.mimetype == "text/html":
        if not CJK.search(response.get_data(as_text=True)):
            wrong.append(f"{where}: {response.status_code} page without Chinese")
    if "\n" in response.headers.get("Location", "") or "x=1" in response.headers.get("Set-Cookie", ""):
        wrong.append(f"{where}: header injection")


def _clients(app, users):
    out = {}
    for role in ROLES:
        c = app.test_client()
        login_as(c, users[role])
        out[role] = c
    return out


ID_RULES = [(r, m) for r, m in RULES if "<int:" in r]


@pytest.mark.parametrize("rule,method", ID_RULES, ids=[f"{m} {r}" for r, m in ID_RULES])
def test_hostile_ids_in_the_path_are_404(app, users, world, rule, method):
    wrong = []
    for role, client in _clients(app, users).items():
        for hostile in HOSTILE_IDS:
            url = _fill(rule, world, hostile)
            response = client.open(url, method=method, data={})
            _check(response, f"{method} {url} as {role}", wrong)
            if response.status_code not in (403, 404):
                wrong.append(f"{method} {url} as {role}: {response.status_code}, expected 404")
    assert wrong == []


GET_RULES = [r for r, m in RULES if m == "GET"]


@pytest.mark.parametrize("rule", GET_RULES)
def test_hostile_query_parameters_never_fail(app, users, world, rule):
    wrong = []
    clients = _clients(app, users)
    for role in ("admin", "officer"):
        client, url = clients[role], _fill(rule, world, None)
        for hostile in HOSTILE_VALUES:  # every parameter at once
            response = client.get(url, query_string={name: hostile for name in QUERY_NAMES})
            _check(response, f"GET {url}?*={hostile!r} as {role}", wrong)
    for name in QUERY_NAMES:  # each parameter alone, as the most privileged role
        for hostile in ("9" * 25, "sNaN"):
            response = clients["admin"].get(_fill(rule, world, None), query_string={name: hostile})
            _check(response, f"GET {rule}?{name}={hostile!r}", wrong)
    assert wrong == []


POST_RULES = [r for r, m in RULES if m == "POST"]


@pytest.mark.parametrize("rule", POST_RULES)
def test_hostile_form_values_never_fail(app, users, world, rule):
    wrong = []
    for role, client in _clients(app, users).items():
        url = _fill(rule, world, None)
        for hostile in HOSTILE_VALUES:
            response = client.post(url, data={name: hostile for name in FORM_NAMES})
            _check(response, f"POST {url} *={hostile!r} as {role}", wrong)
    assert wrong == []


@pytest.mark.parametrize(
    "target", ["/%0D%0ASet-Cookie:x=1", "//evil.example", "/\\evil.example", "https://x"]
)
def test_login_next_never_leaves_the_site(app, users, target):
    from tests.factories import make_user

    make_user("nextuser", "planner", password="Correct-horse-9")
    session.commit()
    response = app.test_client().post(
        f"/login?next={target}", data={"username": "nextuser", "password": "Correct-horse-9"}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "\n" not in location, location
    assert "evil" not in location and "Set-Cookie" not in location and "https" not in location


BAD_STORED = [float("inf"), 1e300, 1e30]


@pytest.mark.parametrize("bad", BAD_STORED, ids=["inf", "1e300", "1e30"])
def test_a_stored_bad_number_takes_no_page_down(app, users, world, bad):
    if session.get_bind().dialect.name == "postgresql":
        # PostgreSQL's numeric(16,4) refuses such a value itself, so none can be stored to break a page.
        with pytest.raises(DataError):
            session.execute(text("UPDATE projects SET total_investment_wan = :v"), {"v": bad})
        session.rollback()
        return
    for statement in (
        "UPDATE projects SET total_investment_wan = :v, span_investment_wan = :v",
        "UPDATE annual_plans SET amount_wan = :v",
        "UPDATE status_reports SET invested_wan = :v",
    ):
        session.execute(text(statement), {"v": bad})
    session.commit()
    wrong = []
    for role, client in _clients(app, users).items():
        for rule in GET_RULES:
            url = _fill(rule, world, None)
            response = client.get(url)
            _check(response, f"GET {url} as {role}", wrong)
    assert wrong == []
