"""A 督办 item is addressed to someone who can answer it, and a project has one open item at a time."""

from datetime import timedelta

import pytest

from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.supervision.models import SupervisionItem
from portfolio.supervision.services import MAX_DEADLINE_DAYS
from tests.factories import location, unit
from tests.supervision.test_loop import _issue, data  # noqa: F401 (data is a fixture)


def test_the_form_offers_only_the_projects_own_units_and_counties(role_client, data):  # noqa: F811
    page = role_client("planner").get(f"/supervision/new/{data['b'].id}").get_data(as_text=True)
    assert f'value="{location("温县").id}">温县<' in page
    assert "孟州市" not in page  # a 温县 project: neither 孟州市 nor its units are offered


@pytest.mark.parametrize("field", ["county_id", "unit_id"])
def test_another_countys_county_or_unit_is_refused_and_nothing_is_issued(role_client, data, field):  # noqa: F811
    # 孟州市's officer could not see this 温县 project, so could never answer the item.
    other = location("孟州市") if field == "county_id" else unit("孟州市人民政府", "孟州市")
    session.commit()
    changes = {"county_id": "", "unit_id": ""} | {field: str(other.id)}
    response = _issue(role_client("planner"), data["b"], **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and f"“{other.name}”不是该项目的" in page
    assert "增加施工力量，月底前完成主体安装" in page  # what was typed is still there
    assert session.query(SupervisionItem).count() == 0


def test_a_second_item_while_one_is_open_is_refused(role_client, data):  # noqa: F811
    planner = role_client("planner")
    assert _issue(planner, data["b"]).status_code == 302
    again = _issue(planner, data["b"])  # a double click, or a form opened before a colleague issued one
    assert again.status_code == 409 and "已有未办结的督办〔" in again.get_data(as_text=True)
    assert session.query(SupervisionItem).count() == 1
    assert _issue(planner, data["a"]).status_code == 302  # another project is not held up


def test_the_items_history_and_token_tables_turn_into_cards_on_phones(role_client, data):  # noqa: F811
    # Below 760 px a table.grid.cards shows one card per row (labels from data-label); the history table
    # squeezed 操作人 into one character per line at 390 px.
    planner = role_client("planner")
    _issue(planner, data["b"])
    item = session.query(SupervisionItem).one()
    for url, label in (("/supervision", "责任单位"), (f"/supervision/items/{item.id}", "操作人")):
        page = planner.get(url).get_data(as_text=True)
        assert '<table class="grid cards' in page and f'data-label="{label}"' in page, url
    assert '<table class="grid cards">' in planner.get("/account/tokens").get_data(as_text=True)


def test_a_deadline_more_than_a_year_away_is_refused_and_nothing_is_issued(role_client, data):  # noqa: F811
    planner = role_client("planner")
    far = _issue(planner, data["b"], deadline="9999-12-31")
    assert far.status_code == 400 and "督办事项应在一年内办结" in far.get_data(as_text=True)
    assert session.query(SupervisionItem).count() == 0
    within = (local_today() + timedelta(days=MAX_DEADLINE_DAYS)).isoformat()
    assert _issue(planner, data["b"], deadline=within).status_code == 302


def test_a_closed_plans_project_takes_no_new_item(role_client, data):  # noqa: F811
    planner = role_client("planner")
    plan = data["b"].plan
    assert planner.post(f"/plans/{plan.id}/state", data={"state": "closed"}).status_code == 302
    refused = _issue(planner, data["b"])
    assert refused.status_code == 409 and "已关闭" in refused.get_data(as_text=True)
    assert session.query(SupervisionItem).count() == 0
