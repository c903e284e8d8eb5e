"""The demo a newcomer sees: the annex, one account per role, progress reports and a mid-term round."""

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select

from portfolio.auth.models import Role, User
from portfolio.auth.services import AccountData, create_user
from portfolio.db import session
from portfolio.funding.services import ensure_default_sources
from portfolio.plans.definition import read_plan_file
from portfolio.plans.sync import find_plan, load_plan_definition
from portfolio.projects.models import Project
from portfolio.projects.services import ensure_locations

# username, display name, role, county, unit, password: documented in the README.
DEMO_ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMIN, None, None, "Admin#2026"),
    ("planner", "市生态环境局规划科", Role.PLANNER, None, None, "Planner#2026"),
    ("reviewer", "评估专家组", Role.REVIEWER, None, None, "Reviewer#2026"),
    ("wenxian", "温县填报员", Role.COUNTY_OFFICER, "温县", None, "County#2026"),
    ("mengzhou", "孟州市填报员", Role.COUNTY_OFFICER, "孟州市", None, "County#2026"),
]


def seed_demo(config) -> Iterator[str]:
    """Idempotent: each step runs only where its data is missing."""
    ensure_locations()
    definition = read_plan_file()
    # An existing 14th plan is kept as planners left it: the demo never rewrites a plan.
    plan = find_plan(definition) or load_plan_definition(None, definition).plan
    ensure_default_sources(plan)
    if not session.scalar(select(func.count(Project.id)).where(Project.plan_id == plan.id)):
        from portfolio.annex.services import import_annex

        path = Path(config["SEED_ANNEX"])
        report = import_annex(None, path.read_bytes(), path.name, plan)
        yield f"已导入附件 {path.name}：新增 {report.counts['created']} 个项目。"
    for username, name, role, county, unit, password in DEMO_ACCOUNTS:
        if not session.scalar(select(User.id).where(User.username == username)):
            create_user(None, AccountData(username, name, role, county, unit), password)
            yield f"已创建演示账号 {username} / {password}（{role.label}）"
    session.flush()
    from portfolio.evaluation.demo import seed_demo_evaluation
    from portfolio.reporting.demo import seed_demo_reports

    if reports := seed_demo_reports(plan):
        yield f"已生成演示进度报告 {reports} 份（含绿、黄、红预警项目和一个填报中的季度）。"
    from portfolio.funding.demo import seed_demo_funding

    if funded := seed_demo_funding(plan):
        yield f"已生成演示资金来源：{funded} 个项目的计划资金及已审核报告的到位资金。"
    yield from seed_demo_evaluation(plan)
