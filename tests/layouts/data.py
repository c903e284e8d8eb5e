"""Test data of the layout tests: projects in two counties with funding by source, and the finance layout."""

from decimal import Decimal

from portfolio.db import session
from portfolio.funding.models import ProjectFunding, ReportFunding
from portfolio.layouts.spec import LayoutColumn, LayoutSpec
from tests.factories import make_period, make_project, make_report, seed_reference  # noqa: F401
from tests.funding.helpers import sources

CENTRAL, BONDS = "中央预算内投资", "地方政府专项债券"


def funded_portfolio() -> dict:
    """Three projects (温县 ×2, 孟州市 ×1) with planned funding; funds received approved in 2024Q4, 2025Q1."""
    src = sources()
    a = make_project(
        name="温县污水处理厂提标改造",
        units=["温县住建局", "温县财政局"],
        total_investment_wan=Decimal("2500.5"),
    )
    b = make_project(name="温县光伏发电项目", units=["温县发改委"], total_investment_wan=Decimal("1200"))
    c = make_project(name="孟州市VOCs治理", counties=["孟州市"], units=["孟州市生态环境分局"])
    plan = a.plan
    q4, q1 = make_period(plan, "2024Q4"), make_period(plan, "2025Q1")
    planned = {a: {CENTRAL: "800", BONDS: "1200.5"}, b: {CENTRAL: "300"}, c: {BONDS: "500"}}
    for project, amounts in planned.items():
        for name, amount in amounts.items():
            session.add(
                ProjectFunding(project_id=project.id, source_id=src[name].id, amount_wan=Decimal(amount))
            )
    received = [(a, q4, CENTRAL, "100"), (a, q1, CENTRAL, "50"), (a, q1, BONDS, "25.5"), (c, q1, BONDS, "70")]
    reports = {}
    for project, period, name, amount in received:
        key = (project.id, period.id)
        if key not in reports:
            reports[key] = make_report(project, period, invested="10", pct="20")
        session.add(
            ReportFunding(report_id=reports[key].id, source_id=src[name].id, amount_wan=Decimal(amount))
        )
    session.flush()
    return {"a": a, "b": b, "c": c, "q4": q4, "q1": q1, "src": src}


def finance_spec() -> LayoutSpec:
    """The finance bureau's sheet of the issue's done-when: six columns, by county, A4 landscape."""
    src = sources()
    return LayoutSpec(
        title="焦作市“{规划}”重大项目资金情况表（{县区}，{期间}）",
        columns=[
            LayoutColumn("name", "项目名称", 30),
            LayoutColumn("lead_unit", "牵头单位", 18),
            LayoutColumn("total_investment_wan", "总投资", 12, "money"),
            LayoutColumn(f"fund:planned:{src[CENTRAL].id}", "中央预算内投资", 12, "money", "资金来源"),
            LayoutColumn(f"fund:planned:{src[BONDS].id}", "专项债", 12, "money", "资金来源"),
            LayoutColumn("fund:year:all", "本年到位资金", 12, "money"),
        ],
        grouping="county",
        paper="A4",
        orientation="landscape",
        signature=True,
    )


def supervised_portfolio(users) -> dict:
    """The exports' portfolio (one red, two yellow projects) with 督办 items: the red project's answered,
    an open one on a green project (listed whatever its colour), and a closed one on a yellow project."""
    from datetime import date

    from portfolio.supervision.services import AnswerInput, ItemInput, answer_item, close_item, issue_item
    from tests.exports.data import portfolio
    from tests.factories import location

    made = portfolio()
    projects = {p.name: p for p in made.values() if hasattr(p, "locations")}
    day = date(2025, 4, 1)

    def issue(name: str, county: str):
        data = ItemInput(
            None, location(county).id, f"{name}进度滞后", "月底前赶上序时进度", date(2025, 4, 30)
        )
        return issue_item(users["planner"], projects[name], data, day)

    red = issue("温县光伏发电项目", "温县")
    answer_item(users["officer"], red, AnswerInput("增加施工力量", "主体安装完成六成"))
    issue("温县污水处理厂提标改造", "温县")
    closed = issue("孟州市VOCs治理", "孟州市")
    answer_item(users["other_officer"], closed, AnswerInput("已完成治理设施安装", "已验收"))
    close_item(users["planner"], closed, "已整改到位")
    session.flush()
    return made
