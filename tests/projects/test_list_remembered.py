"""The project list's page is remembered per data version, and its rows rendered once per distinct page."""

from decimal import Decimal

from portfolio.db import session
from tests.factories import make_project
from tests.querycount import statements_for


def test_list_read_again_runs_only_the_per_request_statements(role_client, app):
    for n in range(3):
        make_project(name=f"项目{n}", counties=["温县"], total_investment_wan=Decimal("100"))
    session.commit()
    client = role_client("planner")
    whole = statements_for(client, "/projects")
    again = statements_for(client, "/projects", remembered=True)
    # Again: the signed-in user with the session row, the data version, the plan; no page, rows or progress.
    assert again <= 4 < whole


def test_list_shows_a_write_at_once(role_client, app):
    project = make_project(name="原名称", counties=["温县"], total_investment_wan=Decimal("100"))
    session.commit()
    client = role_client("planner")
    assert "原名称" in client.get("/projects").get_data(as_text=True)
    project.name = "新名称<b>"
    project.total_investment_wan = Decimal("2500.5")
    session.commit()
    page = client.get("/projects").get_data(as_text=True)
    assert "新名称&lt;b&gt;" in page and "原名称" not in page and "2,500.50" in page


def test_remembered_list_keeps_each_users_projects(role_client, app):
    make_project(name="温县项目", counties=["温县"])
    make_project(name="孟州项目", counties=["孟州市"])
    session.commit()
    planner_page = role_client("planner").get("/projects").get_data(as_text=True)
    officer_page = role_client("officer").get("/projects").get_data(as_text=True)
    other_page = role_client("other_officer").get("/projects").get_data(as_text=True)
    assert "温县项目" in planner_page and "孟州项目" in planner_page
    assert "温县项目" in officer_page and "孟州项目" not in officer_page
    assert "孟州项目" in other_page and "温县项目" not in other_page
