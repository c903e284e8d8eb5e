"""What every page asks on every request is remembered per data version (the filter and plan choices, the
warning thresholds, the date a plan is judged at, the unread badge) and the navigation once per role: each
write that changes one of them shows on the next page exactly as a fresh read does."""

import re
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import select

from portfolio import data_version
from portfolio.auth.models import Role
from portfolio.db import session
from portfolio.notify.models import Notification
from portfolio.permissions import can
from portfolio.projects.models import Category, Plan
from portfolio.reporting.progress import save_thresholds
from portfolio.reporting.warnings import Thresholds
from portfolio.templating import NAV, nav_items
from tests.exports.data import portfolio
from tests.factories import make_user, unit
from tests.querycount import statements_for

PAGES = ("/projects", "/projects/{a}", "/summary", "/projects/history")


@pytest.fixture
def data(app, users):
    made = portfolio()
    session.commit()
    return made


def _pages(client, data) -> list[str]:
    shown = []
    for url in PAGES:
        response = client.get(url.format(a=data["a"].id))
        assert response.status_code == 200, url
        # The logout form's CSRF token carries a timestamp; everything else must match.
        shown.append(re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True)))
    return shown


def _add_a_unit(data):
    unit("新设的责任单位")


def _rename_a_category(data):
    category = session.scalar(select(Category).where(Category.id == data["a"].category_id))
    category.name = "改名后的类别"


def _add_a_plan(data):
    session.add(Plan(name="“十五五”生态环境保护规划", short_name="十五五", start_year=2026, end_year=2030))


def _tighten_the_thresholds(data):
    save_thresholds(None, Thresholds(Decimal("0.1"), Decimal("0.2"), 1))


def _notify_the_planner(data, users):
    session.add(Notification(user_id=users["planner"].id, kind="reminder", title="请填报", body="请填报"))


@pytest.mark.parametrize("write", [_add_a_unit, _rename_a_category, _add_a_plan, _tighten_the_thresholds])
def test_a_committed_write_shows_on_the_next_page_as_a_fresh_read(role_client, data, write):
    client = role_client("planner")
    before = _pages(client, data)
    write(data)
    session.commit()
    after = _pages(client, data)
    data_version.forget()
    assert after == _pages(client, data) != before


def test_the_unread_badge_follows_a_new_notification(role_client, data, users):
    client = role_client("planner")
    assert 'class="unread-count"' not in client.get("/projects").get_data(as_text=True)
    _notify_the_planner(data, users)
    session.commit()
    assert 'aria-label="1 条未读"' in client.get("/projects").get_data(as_text=True)


def test_an_unchanged_list_reads_the_remembered_choices(role_client, data):
    client = role_client("planner")
    fresh = statements_for(client, "/projects")
    assert statements_for(client, "/projects", remembered=True) < fresh


def test_navigation_per_role_is_what_can_allows(app, users):
    inactive = make_user("停用的人", "planner")
    inactive.is_active = False
    with app.test_request_context():
        for user in [*users.values(), inactive]:
            expected = tuple(
                (endpoint, label, url_for(endpoint))
                for endpoint, label, action in NAV
                if endpoint in app.view_functions and can(user, action)
            )
            assert nav_items(user) == expected, user.username
        assert nav_items(inactive) == ()
        assert {u.role for u in users.values()} == set(Role)


def test_navigation_links_follow_the_apps_root(app, users):
    with app.test_request_context():
        at_root = nav_items(users["planner"])
    with app.test_request_context(base_url="http://localhost/portfolio"):
        below = nav_items(users["planner"])
    assert [url for _, _, url in below] == ["/portfolio" + url for _, _, url in at_root]
