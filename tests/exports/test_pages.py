"""The export page, the download buttons on other pages, refusals, and the statements an export costs."""

import pytest

from portfolio.db import session
from tests.exports.data import portfolio
from tests.factories import bulk_projects, make_period
from tests.querycount import count_statements


@pytest.mark.parametrize("role", ["admin", "planner", "reviewer", "officer"])
def test_export_page_for_every_role(app, users, role_client, role):
    data = portfolio()
    session.commit()
    page = role_client(role).get(f"/exports?period={data['q3'].id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"/exports/periods/{data['q3'].id}/progress.xlsx" in html
    assert f"/exports/periods/{data['q3'].id}/supervision.xlsx" in html
    assert ("上传并预览" in html) == (role != "reviewer")


@pytest.mark.parametrize("page", ["/projects", "/summary"])
def test_list_and_summary_buttons_carry_the_filters(app, users, role_client, page):
    portfolio()
    session.commit()
    response = role_client("planner").get(f"{page}?category=1&q=%E6%B8%A9")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "/exports/progress.xlsx?" in html
    link = html.split("/exports/progress.xlsx?", 1)[1].split('"', 1)[0]
    assert "category=1" in link and "q=%E6%B8%A9" in link


def test_export_page_without_periods_says_so(app, users, role_client):
    html = role_client("planner").get("/exports").get_data(as_text=True)
    assert "还没有填报期间" in html


def test_sheet_without_periods_or_with_a_missing_period_is_a_clear_404(app, users, role_client):
    client = role_client("planner")
    first = client.get("/exports/progress.xlsx")
    assert first.status_code == 404 and "还没有填报期间" in first.get_data(as_text=True)
    assert client.get("/exports/periods/999/progress.xlsx").status_code == 404


def test_anonymous_users_are_sent_to_login(app, client):
    assert client.get("/exports/progress.xlsx").status_code in (302, 401)


def test_template_for_a_locked_period_is_refused_with_a_message(app, users, role_client):
    data = portfolio()  # its periods' deadlines have long passed
    session.commit()
    page = role_client("officer").get(
        f"/exports/periods/{data['q4'].id}/template.xlsx", follow_redirects=True
    )
    assert "期间已锁定" in page.get_data(as_text=True)


def test_an_export_costs_the_same_statements_however_many_projects(app, users, role_client):
    plan = portfolio()["q4"].plan
    period = make_period(plan, "2024Q1")
    session.commit()
    client = role_client("planner")
    counts = []
    for extra in (10, 60):
        bulk_projects(extra)
        session.commit()
        with count_statements() as counter:
            assert client.get(f"/exports/periods/{period.id}/progress.xlsx").status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1]
