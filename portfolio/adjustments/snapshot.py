"""The fields a plan adjustment is about, read for a plan's projects as plain JSON-ready values."""

from decimal import Decimal

from sqlalchemy import select

from portfolio.db import money, session
from portfolio.fields import FIELDS as REGISTRY
from portfolio.projects.models import AnnualPlan, LifecycleStatus, Project

# key → Chinese label, from the field registry. 项目名称 is shown but renaming alone is a correction, not an
# adjustment.
FIELDS = {
    **{
        key: REGISTRY[key].label_with_unit
        for key in ("content", "start_year", "end_year", "total_investment_wan", "span_investment_wan")
    },
    "annual": REGISTRY["annual_plan_wan"].label_with_unit,
    "member": "纳入规划",  # not a project field: whether the project is in the plan at all
}


def amount_text(value) -> str | None:
    """An amount as a snapshot holds it: four places, as text (JSON-ready)."""
    value = money(value)
    return None if value is None else str(value)


def snapshot_values(name, content, start_year, end_year, total, span, member: bool) -> dict:
    """One project's snapshot, its annual amounts still to be filled in ({year text: amount text})."""
    return {
        "name": name,
        "content": (content or "").strip() or None,
        "start_year": start_year,
        "end_year": end_year,
        "total_investment_wan": amount_text(total),
        "span_investment_wan": amount_text(span),
        "annual": {},
        "member": member,
    }


def snapshot_plan(plan_id: int, project_ids: list[int] | None = None) -> dict[int, dict]:
    """project id → {name, content, start_year, end_year, total, span, annual {year: amount}, member}."""
    stmt = select(
        Project.id,
        Project.name,
        Project.content,
        Project.start_year,
        Project.end_year,
        Project.total_investment_wan,
        Project.span_investment_wan,
        Project.status,
    ).where(Project.plan_id == plan_id)
    plans = select(AnnualPlan.project_id, AnnualPlan.year, AnnualPlan.amount_wan).join(
        Project, Project.id == AnnualPlan.project_id
    )
    plans = plans.where(Project.plan_id == plan_id)
    if project_ids is not None:
        stmt = stmt.where(Project.id.in_(project_ids))
        plans = plans.where(Project.id.in_(project_ids))
    result = {
        row.id: snapshot_values(
            row.name,
            row.content,
            row.start_year,
            row.end_year,
            row.total_investment_wan,
            row.span_investment_wan,
            row.status != LifecycleStatus.WITHDRAWN,
        )
        for row in session.execute(stmt)
    }
    for project_id, year, amount in session.execute(plans):
        if amount is not None:
            result[project_id]["annual"][str(year)] = amount_text(amount)
    return result


def changed_fields(before: dict, after: dict) -> list[str]:
    """The tracked fields whose values differ (membership aside)."""
    return [k for k in FIELDS if k != "member" and before.get(k) != after.get(k)]


def as_decimal(value: str | None) -> Decimal:
    return Decimal(value) if value else Decimal(0)
