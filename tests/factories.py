"""Factories for tests: reference data, users, projects. Each flushes; the caller commits."""

import secrets
from datetime import date
from decimal import Decimal
from itertools import count

from sqlalchemy import select

from portfolio.auth.models import Role, User
from portfolio.auth.passwords import hash_password
from portfolio.db import session
from portfolio.funding.services import ensure_default_sources
from portfolio.projects.models import (
    AnnualPlan,
    Category,
    LifecycleStatus,
    Location,
    Plan,
    Project,
    ProjectLocation,
    ProjectUnit,
    Unit,
)
from portfolio.projects.seed_data import PLAN_14
from portfolio.projects.services import ensure_locations, load_plan
from portfolio.reporting.models import PeriodKind, ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.periods import parse_code

PASSWORD = "Secret#123"
_seq = count(1)


def seed_reference() -> Plan:
    ensure_locations()
    plan = load_plan(PLAN_14)
    ensure_default_sources(plan)
    return plan


def location(name: str) -> Location:
    return session.scalar(select(Location).where(Location.name == name))


def unit(name: str, county: str | None = None) -> Unit:
    found = session.scalar(select(Unit).where(Unit.name == name))
    if found is None:
        found = Unit(name=name, county=location(county) if county else None)
        session.add(found)
        session.flush()
    return found


def make_user(
    username: str,
    role: str,
    county: str | None = None,
    unit_name: str | None = None,
    password: str = PASSWORD,
    **overrides,
) -> User:
    user = User(
        username=username,
        display_name=overrides.pop("display_name", username),
        role=Role(role),
        county=location(county) if county else None,
        unit=unit(unit_name) if unit_name else None,
        password_hash=hash_password(password),
        session_token=secrets.token_hex(16),
        is_active=True,
        failed_logins=0,
        **overrides,
    )
    session.add(user)
    session.flush()
    return user


def login_as(client, user: User) -> None:
    """Sign this client in as the user: a live session row, and its id in the session cookie."""
    from portfolio.auth.sessions import start_session

    row = start_session(user, "127.0.0.1", "test-client")
    session.commit()
    with client.session_transaction() as s:
        s["_user_id"] = f"{user.id}:{user.session_token}:{row.sid}"
        s["_fresh"] = True


def make_project(**overrides) -> Project:
    """A project in the first plan; counties and units by name; annual plans as {year: amount}."""
    plan = overrides.pop("plan", None) or session.scalar(select(Plan).order_by(Plan.id))
    category_number = overrides.pop("category", 1)
    category = session.scalar(
        select(Category).where(Category.plan_id == plan.id, Category.number == category_number)
    )
    counties = overrides.pop("counties", ["温县"])
    unit_names = overrides.pop("units", [f"{counties[0]}人民政府" if counties else "市生态环境局"])
    annual = overrides.pop("annual", {plan.start_year: Decimal("100")})
    n = next(_seq)
    project = Project(
        plan=plan,
        category=category,
        subcategory=overrides.pop(
            "subcategory", category.subcategories[0] if category.subcategories else None
        ),
        name=overrides.pop("name", f"测试项目{n}"),
        nature=overrides.pop("nature", "新建"),
        content=overrides.pop("content", "建设内容"),
        start_year=overrides.pop("start_year", plan.start_year),
        end_year=overrides.pop("end_year", plan.end_year),
        total_investment_wan=overrides.pop("total_investment_wan", Decimal("1000")),
        span_investment_wan=overrides.pop("span_investment_wan", Decimal("800")),
        status=overrides.pop("status", LifecycleStatus.UNDER_CONSTRUCTION),
        **overrides,
    )
    project.locations = [location(c) for c in counties]
    county_of = {c: c for c in counties}
    project.unit_links = [
        ProjectUnit(unit=unit(u, county_of.get(u.removesuffix("人民政府"))), position=i, is_lead=i == 0)
        for i, u in enumerate(unit_names)
    ]
    project.annual_plans = [AnnualPlan(year=y, amount_wan=Decimal(str(a))) for y, a in annual.items()]
    session.add(project)
    session.flush()
    return project


def bulk_projects(n: int, plan: Plan | None = None) -> None:
    """Insert n synthetic projects spread over the plan's categories, counties and units, in a few statements.

    For query-count tests and benchmarks: core inserts, not one ORM flush per project.
    """
    from sqlalchemy import insert

    plan = plan or session.scalar(select(Plan).order_by(Plan.id))
    categories = session.scalars(select(Category).where(Category.plan_id == plan.id)).all()
    counties = [loc for loc in session.scalars(select(Location).order_by(Location.sort_order))]
    units = [unit(f"{c.name}人民政府", c.name) for c in counties[:11]]
    rows = []
    for i in range(n):
        cat = categories[i % len(categories)]
        subs = cat.subcategories
        rows.append(
            {
                "plan_id": plan.id,
                "category_id": cat.id,
                "subcategory_id": subs[i % len(subs)].id if subs else None,
                "seq_no": i + 1,
                "name": f"批量项目{i + 1}",
                "nature": "新建",
                "content": "建设内容",
                "start_year": plan.start_year,
                "end_year": plan.end_year,
                "total_investment_wan": Decimal("1000.5"),
                "span_investment_wan": Decimal("900"),
                "status": LifecycleStatus.UNDER_CONSTRUCTION,
                "version": 1,
            }
        )
    ids = session.scalars(insert(Project).returning(Project.id, sort_by_parameter_order=True), rows).all()
    places = [{"project_id": pid, "location_id": counties[i % 11].id} for i, pid in enumerate(ids)]
    links = [
        {"project_id": pid, "unit_id": units[i % 11].id, "position": 0, "is_lead": True}
        for i, pid in enumerate(ids)
    ]
    annual = [{"project_id": pid, "year": plan.start_year, "amount_wan": Decimal("100")} for pid in ids]
    session.execute(insert(ProjectLocation), places)
    session.execute(insert(ProjectUnit), links)
    session.execute(insert(AnnualPlan), annual)
    session.flush()


def make_period(plan, code: str, deadline: date | None = None) -> ReportingPeriod:
    """A period from its code (2023Q4 or 2023-11); the deadline defaults to the usual grace days."""
    span = parse_code(code, PeriodKind.QUARTER if "Q" in code else PeriodKind.MONTH)
    period = ReportingPeriod(
        plan_id=plan.id,
        code=span.code,
        kind=span.kind,
        year=span.year,
        number=span.number,
        starts_on=span.starts_on,
        ends_on=span.ends_on,
        deadline=deadline or span.default_deadline,
    )
    session.add(period)
    session.flush()
    return period


def make_report(project, period, status=ReportStatus.APPROVED, invested="0", pct="0", **fields):
    """A report written directly (no workflow), approved unless told otherwise."""
    report = StatusReport(
        project=project,
        period=period,
        status=status,
        invested_wan=Decimal(invested) if invested is not None else None,
        percent_complete=Decimal(pct) if pct is not None else None,
        progress_text=fields.pop("progress_text", "主体工程施工中"),
        **fields,
    )
    session.add(report)
    session.flush()
    return report
