"""Shared helpers of the funding tests: the plan's sources by name and form bodies."""

from sqlalchemy import select

from portfolio.db import session
from portfolio.funding.models import FundingSource
from portfolio.projects.models import Plan


def sources(plan: Plan | None = None) -> dict[str, FundingSource]:
    plan = plan or session.scalar(select(Plan).order_by(Plan.id))
    rows = session.scalars(select(FundingSource).where(FundingSource.plan_id == plan.id))
    return {s.name: s for s in rows}


def amounts_form(amounts: dict[str, str], prefix: str = "rows", **extra) -> dict:
    """A form body with one row per source of the first plan; named sources get their amounts.

    The project's breakdown form names its rows `rows-N-…`; the report form names them `funds-N-…`.
    """
    data = dict(extra)
    for i, (name, source) in enumerate(sorted(sources().items(), key=lambda kv: kv[1].position)):
        data[f"{prefix}-{i}-source_id"] = str(source.id)
        data[f"{prefix}-{i}-amount"] = amounts.get(name, "")
    return data
