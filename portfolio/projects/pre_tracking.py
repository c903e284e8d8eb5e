"""纳入系统前已完成投资: what a project had completed before the tracker followed it, with its as-of date."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portfolio.audit.services import record
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.fields import FIELDS
from portfolio.numbers import format_wan
from portfolio.projects.models import Project

# An annex in 亿元 rounds to about 1 万元: within that, the amount equals the total.
OVER_TOTAL_TOLERANCE_WAN = Decimal("1")


@dataclass(frozen=True)
class PreTrackingSaved:
    changed: bool
    warning: str | None  # said, not refused: the amount may include work outside the project's 总投资


def over_total_warning(amount_wan: Decimal | None, total_wan: Decimal | None) -> str | None:
    """The warning for an amount above 总投资, the same for the manual entry and the annex import."""
    if amount_wan is None or total_wan is None or amount_wan <= total_wan + OVER_TOTAL_TOLERANCE_WAN:
        return None
    label = FIELDS["pre_tracking_invested_wan"].label
    return f"{label} {format_wan(amount_wan)} 万元超过总投资 {format_wan(total_wan)} 万元，请核对。"


def set_pre_tracking(
    actor, project: Project, amount_wan: Decimal | None, as_of: date | None
) -> PreTrackingSaved:
    """Record (or clear, with no amount) the investment completed before tracking began; audited.

    As on import: no as-of date is an error, an amount above 总投资 is kept with a warning."""
    if amount_wan is not None and amount_wan < 0:
        raise DomainError("纳入系统前已完成投资不能为负数。")
    if amount_wan is not None and as_of is None:
        raise DomainError("请填写纳入系统前已完成投资的截至日期。")
    if amount_wan is None:
        as_of = None
    warning = over_total_warning(amount_wan, project.total_investment_wan)
    before = _snapshot(project)
    project.pre_tracking_invested_wan, project.pre_tracking_as_of = amount_wan, as_of
    after = _snapshot(project)
    if after == before:
        return PreTrackingSaved(False, warning)
    session.flush()
    record(actor, "project.update", project, before=before, after=after, summary="录入纳入系统前已完成投资")
    return PreTrackingSaved(True, warning)


def _snapshot(project: Project) -> dict:
    amount = project.pre_tracking_invested_wan
    as_of = project.pre_tracking_as_of
    return {  # under the registry's keys, as the annex import audits the same columns
        "pre_tracking_invested_wan": format(amount.normalize(), "f") if amount is not None else None,
        "pre_tracking_as_of": as_of.isoformat() if as_of else None,
    }
