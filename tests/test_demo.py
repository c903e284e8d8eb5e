"""The README's first command: seed-demo, then the planner logs in and sees the plan's register."""

from decimal import Decimal

from sqlalchemy import func, select

from portfolio.db import session
from portfolio.projects.models import Project


def _login(client, username: str, password: str) -> None:
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_seed_demo_loads_the_annex_and_accounts_once(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "新增 86 个项目" in result.output and "planner / Planner#2026" in result.output
    total = session.scalar(select(func.sum(Project.total_investment_wan)))
    assert Decimal(str(total)).quantize(Decimal("0.1")) == Decimal("2541345.3")

    client = app.test_client()
    _login(client, "planner", "Planner#2026")
    assert "共 <b>86</b> 个项目" in client.get("/projects").get_data(as_text=True)
    summary = client.get("/summary").get_data(as_text=True)
    assert '<td class="num" id="grand-total">2,541,345.30</td>' in summary

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "新增" not in again.output
    assert session.scalar(select(func.count(Project.id))) == 86
