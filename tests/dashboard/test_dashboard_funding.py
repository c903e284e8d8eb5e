"""The dashboard's by-source table and chart equal the summary's by-source table, in any scope and filter."""

import json
import re
from decimal import Decimal

from sqlalchemy import select

from portfolio.db import session
from portfolio.funding.models import ProjectFunding, ReportFunding
from portfolio.projects.models import Category, Location, Plan
from tests.dashboard.html import number, table_rows, text
from tests.factories import make_period, make_project, make_report
from tests.funding.helpers import sources

FUNDS = [  # county, category, {source: planned}, {source: received in Q1 (approved)}
    ("温县", 1, {"银行贷款": "900", "中央预算内投资": "300.5"}, {"银行贷款": "200"}),
    ("孟州市", 1, {"银行贷款": "1000", "其他": "40"}, {"银行贷款": "120", "其他": "40"}),
    ("孟州市", 2, {"中央预算内投资": "700"}, {"中央预算内投资": "10.25"}),
]


def _world() -> Plan:
    plan = session.scalar(select(Plan).order_by(Plan.id))
    period = make_period(plan, f"{plan.start_year}Q1")
    by_name = sources(plan)
    for county, category, planned, received in FUNDS:
        project = make_project(counties=[county], category=category)
        for name, amount in planned.items():
            session.add(ProjectFunding(project_id=project.id, source_id=by_name[name].id, amount_wan=amount))
        report = make_report(project, period)
        for name, amount in received.items():
            session.add(ReportFunding(report_id=report.id, source_id=by_name[name].id, amount_wan=amount))
    session.commit()
    return plan


def _summary_rows(page: str) -> list[list[str]]:
    body = re.search(r'id="by-source".*?<tbody>(.*?)</tbody>', page, re.S)[1]
    return [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _compare(client, query: str) -> list[list[str]]:
    board = _get(client, f"/dashboard?{query}")
    rows = table_rows(board, "funding")
    assert rows == _summary_rows(_get(client, f"/summary?{query}"))
    return rows


def test_dashboard_by_source_equals_the_summary_in_every_scope(role_client, users):
    plan = _world()
    wen = session.scalar(select(Location.id).where(Location.name == "温县"))
    everything = _compare(role_client("planner"), f"plan={plan.id}")
    by_source = {r[0]: r for r in everything}
    assert by_source["银行贷款"][1:4] == ["2", "1,900.00", "320.00"]
    assert by_source["中央预算内投资"][1:4] == ["2", "1,000.50", "10.25"]
    assert everything[-1][0] == "合计" and number(everything[-1][2]) == Decimal("2940.5")
    officer = {r[0]: r for r in _compare(role_client("officer"), f"plan={plan.id}")}
    assert officer["银行贷款"][1:4] == ["1", "900.00", "200.00"] and officer["其他"][2] == "0.00"
    filtered = {r[0]: r for r in _compare(role_client("planner"), f"plan={plan.id}&county={wen}")}
    assert filtered["中央预算内投资"][2] == "300.50"
    first = session.scalar(select(Category.id).where(Category.plan_id == plan.id, Category.number == 1))
    category = {r[0]: r for r in _compare(role_client("planner"), f"plan={plan.id}&category={first}")}
    assert category["中央预算内投资"][1:3] == ["1", "300.50"]


def test_the_funding_chart_plots_the_table(role_client, users):
    plan = _world()
    page = _get(role_client("reviewer"), f"/dashboard?plan={plan.id}")
    assert 'data-chart="funding"' in page
    charts = json.loads(re.search(r'id="dashboard-charts">(.*?)</script>', page, re.S)[1])
    option = charts["funding"]
    rows = table_rows(page, "funding")[:-1]
    assert option["xAxis"]["data"] == [r[0] for r in rows]
    planned, received = (s["data"] for s in option["series"])
    assert planned == [float(number(r[2])) for r in rows]
    assert received == [float(number(r[3])) for r in rows]
