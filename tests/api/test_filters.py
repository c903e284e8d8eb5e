"""Filters a program sends: a malformed or unknown value is a 400 (an unknown plan a 404) naming the
parameter, never silently dropped into an unfiltered answer; answers read as Chinese, not \\u escapes."""

import pytest

from tests.api.helpers import get
from tests.api.test_endpoints import register  # noqa: F401 (a fixture)

BAD = [
    ("county=xyz", "county"),
    ("plan=abc", "plan"),
    ("category=-1", "category"),
    ("unit=1.5", "unit"),
    ("page=-1", "page"),
    ("status=bogus", "status"),
    ("sort=bogus", "sort"),
    ("dir=sideways", "dir"),
]


@pytest.mark.parametrize("endpoint", ["projects", "summary", "oc4ids.json"])
@pytest.mark.parametrize(("query", "name"), BAD)
def test_a_bad_filter_is_a_400_naming_it(app, register, endpoint, query, name):  # noqa: F811
    response = get(app.test_client(), f"/api/v1/{endpoint}?{query}", register["tokens"]["planner"])
    assert response.status_code == 400 and response.is_json
    assert f"参数 {name} " in response.get_json()["error"]["message"]


@pytest.mark.parametrize("endpoint", ["projects", "summary", "oc4ids.json"])
def test_an_unknown_plan_is_a_404_not_the_default_plan(app, register, endpoint):  # noqa: F811
    response = get(app.test_client(), f"/api/v1/{endpoint}?plan=99999", register["tokens"]["planner"])
    assert response.status_code == 404
    assert "没有编号为 99999 的规划" in response.get_json()["error"]["message"]


def test_good_filters_still_filter(app, register):  # noqa: F811
    client, planner = app.test_client(), register["tokens"]["planner"]
    body = get(client, "/api/v1/projects?status=under_construction&sort=name&dir=desc&page=0", planner)
    assert body.status_code == 200 and body.get_json()["total"] == 3


def test_answers_are_utf8_chinese_and_summary_warnings_list_every_level(app, register):  # noqa: F811
    response = get(app.test_client(), "/api/v1/summary", register["tokens"]["officer"])
    assert "温县".encode() in response.data and b"\\u" not in response.data
    warnings = response.get_json()["total"]["warnings"]
    assert set(warnings) == {"green", "yellow", "red", "unreported", "inactive"}
    assert sum(warnings.values()) == response.get_json()["total"]["count"]
