"""THE permission table test: every route of the app, for every role and an anonymous visitor.

Each rule of app.url_map is requested (GET rules with GET, POST rules with an empty POST) with its
URL arguments filled from a small world by name. Scoped objects are walked twice: one the county
officer answers for (温县) and one of another county (孟州市). The expected outcome comes from the
permission table itself (ROLE_ACTIONS and each view's required_action):
  anonymous                                  -> redirect to the login page (API: 401 JSON)
  role not allowed the view's action         -> 403
  county officer, another county's object    -> 404 (it looks absent)
  allowed                                    -> anything but 401/403/404/500
and never a 500 for anyone. API endpoints are called with each role's bearer token, never a cookie.
New routes join the walk by themselves; the meta-tests below fail when
a route has an argument the walker cannot fill or an endpoint is neither guarded nor public.
"""

from urllib.parse import urlsplit

import pytest

from portfolio import create_app
from portfolio.auth.models import Role
from portfolio.permissions import PUBLIC_ENDPOINTS, ROLE_ACTIONS
from tests.factories import login_as
from tests.world import SCOPED_ARGS, build_world

# The fixed vocabulary of URL argument names (see the house rules).
VOCABULARY = frozenset(
    {"project_id", "report_id", "attachment_id", "period_id", "round_id", "assessment_id"}
    | {"indicator_id", "user_id", "batch_id"}
    | {"item_id", "file_id"}  # 督办 items and the files of their answers
    | {"plan_id", "category_id"}
    | {"key"}  # a 口径 (definition) by its key
    | {"layout_id"}  # sheet layouts (版式)
)
# Per-endpoint URL arguments the world cannot supply by name.
OVERRIDES: dict[str, dict] = {"static": {"filename": "css/app.css"}}
# Role of each walker, keyed by its account in the `users` fixture; None is the anonymous visitor.
ROLES = {
    "anonymous": None,
    "reviewer": Role.REVIEWER,
    "officer": Role.COUNTY_OFFICER,
    "planner": Role.PLANNER,
    "admin": Role.ADMIN,
}
WALKED_METHODS = ("GET", "POST")


def _collect():
    """(endpoint, rule, method, arguments, action) per walked rule, from an app built to read its URL map."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "collect"})
    found = []
    for rule in app.url_map.iter_rules():
        action = getattr(app.view_functions[rule.endpoint], "required_action", None)
        for method in WALKED_METHODS:
            if method in rule.methods:
                found.append((rule.endpoint, rule.rule, method, frozenset(rule.arguments), action))
    return sorted(found, key=lambda r: r[:3])


RULES = _collect()


def _variants(arguments) -> tuple[str, ...]:
    return ("own", "other") if arguments & SCOPED_ARGS else ("own",)


def _may_write(endpoint: str, method: str, role: str, action: str | None) -> bool:
    """Whether this request reaches a view that may change the world (an allowed POST)."""
    if method != "POST" or ROLES[role] is None:
        return False
    return endpoint in PUBLIC_ENDPOINTS or (action in ROLE_ACTIONS and ROLES[role] in ROLE_ACTIONS[action])


def _shared_cases():
    """One case per rule and variant: every request in it leaves the world as it found it."""
    for endpoint, path, method, arguments, action in RULES:
        roles = tuple(r for r in ROLES if not _may_write(endpoint, method, r, action))
        for variant in _variants(arguments):
            yield pytest.param(endpoint, path, method, roles, variant, id=f"{method} {path} {variant}")


def _writing_cases():
    """One case per allowed POST, role and variant: each gets a world of its own."""
    for endpoint, path, method, arguments, action in RULES:
        for role in ROLES:
            if _may_write(endpoint, method, role, action):
                for variant in _variants(arguments):
                    yield pytest.param(
                        endpoint, path, method, (role,), variant, id=f"{method} {path} {role} {variant}"
                    )


def _expected(endpoint: str, action: str | None, user, variant: str, arguments) -> str:
    """'login', 'forbidden', 'absent' or 'allowed', from the permission table alone."""
    if endpoint in PUBLIC_ENDPOINTS:
        return "allowed"
    if user is None:
        return "unauthorized" if _is_api(endpoint) else "login"
    if user.role not in ROLE_ACTIONS[action]:
        return "forbidden"
    if user.role == Role.COUNTY_OFFICER and variant == "other" and arguments & SCOPED_ARGS:
        return "absent"
    return "allowed"


def _url(app, endpoint: str, path: str, values: dict) -> str:
    with app.test_request_context():
        rule = next(r for r in app.url_map.iter_rules(endpoint) if r.rule == path)
        built = rule.build(values, append_unknown=False)
        assert built is not None, f"cannot build {path} from {values}"
        return built[1]


def _problem(response, expected: str) -> bool:
    status = response.status_code
    if status == 500:
        return True
    if expected == "unauthorized":
        return status != 401 or not response.is_json
    if expected == "login":
        return status != 302 or urlsplit(response.headers["Location"]).path != "/login"
    if expected == "forbidden":
        return status != 403
    if expected == "absent":
        return status != 404
    return status in (401, 403, 404)


def _is_api(endpoint: str) -> bool:
    return endpoint.startswith("api.") and endpoint not in PUBLIC_ENDPOINTS


def _token_for(user) -> str:
    from portfolio.db import session
    from portfolio.tokens.services import create_token

    made = create_token(None, user.username, days=1)
    session.commit()
    return made.plaintext


@pytest.fixture
def world(app, users):
    return build_world(users)


def _walk(app, users, world, endpoint, path, method, roles, variant):
    _, _, _, arguments, action = next(r for r in RULES if r[:3] == (endpoint, path, method))
    url = _url(app, endpoint, path, world.args(arguments, variant) | OVERRIDES.get(endpoint, {}))
    wrong = []
    for role in roles:
        user = users[role] if ROLES[role] else None
        client, headers = app.test_client(), {}
        if user is not None and _is_api(endpoint):
            headers["Authorization"] = f"Bearer {_token_for(user)}"  # the API never reads cookies
        elif user is not None:
            login_as(client, user)
        response = client.open(url, method=method, data={} if method == "POST" else None, headers=headers)
        expected = _expected(endpoint, action, user, variant, arguments)
        if _problem(response, expected):
            wrong.append(f"{method} {url} as {role}: got {response.status_code}, expected {expected}")
    assert wrong == []


@pytest.mark.parametrize(("endpoint", "path", "method", "roles", "variant"), list(_shared_cases()))
def test_route_obeys_the_permission_table(app, users, world, endpoint, path, method, roles, variant):
    _walk(app, users, world, endpoint, path, method, roles, variant)


@pytest.mark.parametrize(("endpoint", "path", "method", "roles", "variant"), list(_writing_cases()))
def test_allowed_post_obeys_the_permission_table(app, users, world, endpoint, path, method, roles, variant):
    _walk(app, users, world, endpoint, path, method, roles, variant)


def test_every_rule_is_walked(app):
    """The walk covers every endpoint and every method; an unknown method would go unchecked."""
    walked = {rule[0] for rule in RULES}
    assert walked == set(app.view_functions)
    unwalked = [
        (rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS", *WALKED_METHODS}))
        for rule in app.url_map.iter_rules()
        if rule.methods - {"HEAD", "OPTIONS", *WALKED_METHODS}
    ]
    assert unwalked == []


def test_every_route_argument_can_be_filled(app):
    unfillable = [
        (rule.rule, name)
        for rule in app.url_map.iter_rules()
        for name in rule.arguments
        if name not in VOCABULARY and name not in OVERRIDES.get(rule.endpoint, {})
    ]
    assert unfillable == [], "use the fixed vocabulary of URL argument names, or add an override"


def test_the_world_fills_the_whole_vocabulary(world):
    assert set(world.own) == VOCABULARY and set(world.other) == VOCABULARY
    assert {name for name in VOCABULARY if world.own[name] != world.other[name]} == SCOPED_ARGS


def test_every_endpoint_is_guarded_or_public(app):
    unguarded = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in PUBLIC_ENDPOINTS and getattr(view, "required_action", None) not in ROLE_ACTIONS
    ]
    assert unguarded == []
