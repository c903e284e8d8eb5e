"""Reads about plans: the plans with their project counts, and how many projects hang off each node."""

from sqlalchemy import func, select

from portfolio.db import session
from portfolio.projects.models import Plan, Project


def list_plans_with_counts() -> list[tuple[Plan, int]]:
    """Every plan, oldest first, with its number of projects (one aggregate query)."""
    counts = dict(
        session.execute(select(Project.plan_id, func.count(Project.id)).group_by(Project.plan_id)).all()
    )
    plans = session.scalars(select(Plan).order_by(Plan.start_year, Plan.id))
    return [(p, counts.get(p.id, 0)) for p in plans]


def count_by_category(plan: Plan) -> dict[int, int]:
    rows = session.execute(
        select(Project.category_id, func.count(Project.id))
        .where(Project.plan_id == plan.id)
        .group_by(Project.category_id)
    )
    return dict(rows.all())


def count_by_subcategory(plan: Plan) -> dict[int, int]:
    rows = session.execute(
        select(Project.subcategory_id, func.count(Project.id))
        .where(Project.plan_id == plan.id, Project.subcategory_id.is_not(None))
        .group_by(Project.subcategory_id)
    )
    return dict(rows.all())


def get_plan_by_id(plan_id: int) -> Plan:
    from portfolio.errors import NotFound

    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("规划不存在。")
    return plan


def get_category(plan: Plan, category_id: int):
    """A category of this plan (a category of another plan looks absent)."""
    from portfolio.errors import NotFound
    from portfolio.projects.models import Category

    category = session.get(Category, category_id)
    if category is None or category.plan_id != plan.id:
        raise NotFound("类别不存在。")
    return category
