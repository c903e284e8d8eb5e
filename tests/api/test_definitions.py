"""口径说明 in the API: /definitions lists the same definitions the pages and sheets use, and every
figure that follows one names it in the OpenAPI document (x-definition) with its rule."""

from datetime import date
from decimal import Decimal

import pytest

from portfolio.db import session
from portfolio.definitions import get_definition, list_definitions
from portfolio.projects.pre_tracking import set_pre_tracking
from tests.api.helpers import get, token
from tests.api.test_endpoints import ROLES, register  # noqa: F401 (a fixture)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_every_definition_as_the_module_states_it(app, register, role):  # noqa: F811
    body = get(app.test_client(), "/api/v1/definitions", register["tokens"][role]).get_json()
    expected = [{"key": d.key, "name": d.name, "rule": d.rule, "group": d.group} for d in list_definitions()]
    assert body == {"definitions": expected}


def test_one_definition_by_key_and_an_unknown_key_is_404_json(app, register):  # noqa: F811
    client, plaintext = app.test_client(), register["tokens"]["officer"]
    days = get(client, "/api/v1/definitions/days_behind", plaintext)
    assert days.status_code == 200
    assert days.get_json()["name"] == "落后天数"
    assert "不封顶" in days.get_json()["rule"]
    missing = get(client, "/api/v1/definitions/no_such_thing", plaintext)
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == "没有这个口径。"
    assert get(client, "/api/v1/definitions", None).status_code == 401


def _x_definitions(node, path="") -> dict[str, str]:
    """Every schema in the document that names a definition: its path → (key, description)."""
    found = {}
    if isinstance(node, dict):
        if "x-definition" in node:
            found[path] = (node["x-definition"], node["description"])
        for key, value in node.items():
            found.update(_x_definitions(value, f"{path}/{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.update(_x_definitions(value, f"{path}/{i}"))
    return found


def test_the_openapi_document_ties_each_figure_to_its_definition(app, register):  # noqa: F811
    doc = get(app.test_client(), "/api/v1/openapi.json", register["tokens"]["reviewer"]).get_json()
    assert {"/definitions", "/definitions/{key}"} <= set(doc["paths"])
    tied = _x_definitions(doc["components"]["schemas"])
    for key, description in tied.values():
        d = get_definition(key)
        assert description == f"{d.name}：{d.rule}"
    progress = doc["components"]["schemas"]["Project"]["properties"]["progress"]["properties"]
    assert progress["completion_rate"]["x-definition"] == "annual_completion_rate"
    assert progress["cumulative_invested_wan"]["x-definition"] == "tracked_invested"
    assert progress["cumulative_since_start_wan"]["x-definition"] == "cumulative_since_start"
    assert progress["warning"]["x-definition"] == "warning_level"
    summary = doc["components"]["schemas"]["SummaryRow"]["properties"]
    assert summary["cumulative_invested_wan"]["x-definition"] == "tracked_invested"
    source = doc["components"]["schemas"]["SourceTotal"]["properties"]
    assert (source["planned_wan"]["x-definition"], source["received_wan"]["x-definition"]) == (
        "planned_funding",
        "funds_received",
    )
    keys = doc["paths"]["/definitions/{key}"]["get"]["parameters"][0]["schema"]["enum"]
    assert keys == [d.key for d in list_definitions()]


def test_a_project_carries_its_pre_tracking_investment_as_a_separate_line(app, register, users):  # noqa: F811
    from portfolio.projects.models import Project

    wen = session.get(Project, register["wen"])
    set_pre_tracking(None, wen, Decimal("700.5"), date(2020, 12, 31))
    session.commit()
    body = get(app.test_client(), f"/api/v1/projects/{wen.id}", token(users["officer"])).get_json()
    assert body["pre_tracking_invested_wan"] == 700.5
    assert body["pre_tracking_as_of"] == "2020-12-31"
    assert body["progress"]["cumulative_invested_wan"] == 120  # the tracker's approved reports only
    assert body["progress"]["cumulative_since_start_wan"] == 820.5
