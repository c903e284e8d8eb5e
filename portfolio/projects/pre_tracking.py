"""纳入系统前已完成投资: what a project had completed before the tracker followed it, with its as-of date."""

from datetime import date
from decimal import Decimal

from portfolio.audit.services import record
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.numbers import format_wan
from portfolio.projects.models import Project


def set_pre_tracking(actor, project: Project, amount_wan: Decimal | None, as_of: date | None) -> bool:
    """Record (or clear, with no amount) the investment completed before tracking began; audited."""
    if amount_wan is not None and amount_wan < 0:
        raise DomainError("纳入系统前已完成投资不能为负数。")
    if amount_wan is not None and as_of is None:
        raise DomainError("请填写纳入系统前已完成投资的截至日期。")
    if amount_wan is None:
        as_of = None
    total = project.total_investment_wan
    if amount_wan is not None and total is not None and amount_wan > total:
        done, whole = format_wan(amount_wan), format_wan(total)
        raise DomainError(f"纳入系统前已完成投资（{done} 万元）不能大于总投资（{whole} 万元）。")
    before = _snapshot(project)
    project.pre_tracking_invested_wan, project.pre_tracking_as_of = amount_wan, as_of
    after = _snapshot(project)
    if after == before:
        return False
    session.flush()
    record(actor, "project.update", project, before=before, after=after, summary="录入纳入系统前已完成投资")
    return True


def _snapshot(project: Project) -> dict:
    amount = project.pre_tracking_invested_wan
    as_of = project.pre_tracking_as_of
    return {  # under the registry's keys, as the annex import audits the same columns
        "pre_tracking_invested_wan": format(amount.normalize(), "f") if amount is not None else None,
        "pre_tracking_as_of": as_of.isoformat() if as_of else None,
    }
