"""Register services: reference data, plans and their categories."""

from sqlalchemy import select

from portfolio.db import session
from portfolio.errors import DomainError, NotFound
from portfolio.projects.models import Category, Location, Plan, Subcategory
from portfolio.projects.seed_data import LOCATIONS


def ensure_locations() -> None:
    """Create the city's county-level units, 全市 and 中心城区 where missing."""
    existing = set(session.scalars(select(Location.name)))
    for order, (name, kind) in enumerate(LOCATIONS):
        if name not in existing:
            session.add(Location(name=name, kind=kind, sort_order=order))
    session.flush()


def load_plan(definition: dict) -> Plan:
    """Create a plan with its categories and sub-categories; an existing plan of that name is kept."""
    plan = session.scalar(select(Plan).where(Plan.name == definition["name"]))
    if plan is not None:
        return plan
    plan = Plan(
        name=definition["name"],
        short_name=definition["short_name"],
        doc_number=definition.get("doc_number"),
        start_year=definition["start_year"],
        end_year=definition["end_year"],
    )
    for number, name, aliases, subs in definition["categories"]:
        category = Category(number=number, name=name, aliases=list(aliases))
        category.subcategories = [Subcategory(number=i, name=s) for i, s in enumerate(subs, start=1)]
        plan.categories.append(category)
    session.add(plan)
    session.flush()
    return plan


def get_plan(key: str | int | None = None) -> Plan:
    """Find a plan by id, name or short name; with no key, the only plan (several plans need a key)."""
    plans = list(session.scalars(select(Plan).order_by(Plan.start_year)))
    if not plans:
        raise NotFound("系统中还没有规划，请先初始化规划数据。")
    names = "、".join(f"{p.short_name}（{p.name}）" for p in plans)
    if key is None or key == "":
        if len(plans) > 1:
            raise DomainError(f"系统中有多个规划，请指定其一：{names}")
        return plans[0]
    for plan in plans:
        if str(key) in (str(plan.id), plan.name, plan.short_name):
            return plan
    raise DomainError(f"未找到规划“{key}”。现有规划：{names}")


def list_plans() -> list[Plan]:
    return list(session.scalars(select(Plan).order_by(Plan.start_year)))
