"""Choosing a period: the one home for which period a page, a sheet or a command is about.

Loading a period by id stays in reporting.queries.get_period; this module answers "which period":
the plan's periods, the one a page asked for, the default, the open one, the current one, one by code.
"""

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portfolio.auth.models import User
from portfolio.db import session
from portfolio.errors import NotFound
from portfolio.permissions import visible_projects
from portfolio.projects.models import Plan, Project
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.periods import is_open


def list_plan_periods(plan: Plan, newest_first: bool = True) -> list[ReportingPeriod]:
    """The plan's periods by end date."""
    order = ReportingPeriod.ends_on.desc() if newest_first else ReportingPeriod.ends_on
    return list(
        session.scalars(select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id).order_by(order))
    )


def list_periods(user: User) -> list[tuple[ReportingPeriod, dict[ReportStatus, int]]]:
    """Every period, newest first, with how many reports on projects the user sees are in each state."""
    periods = list(
        session.scalars(
            select(ReportingPeriod)
            .options(joinedload(ReportingPeriod.plan))
            .order_by(ReportingPeriod.plan_id, ReportingPeriod.ends_on.desc())
        )
    )
    counts: dict[int, Counter] = {p.id: Counter() for p in periods}
    rows = session.execute(
        select(StatusReport.period_id, StatusReport.status, func.count())
        .join(Project, Project.id == StatusReport.project_id)
        .where(visible_projects(user))
        .group_by(StatusReport.period_id, StatusReport.status)
    )
    for period_id, status, n in rows:
        counts[period_id][ReportStatus(status)] = n
    return [(p, counts[p.id]) for p in periods]


def pick_period(periods: list[ReportingPeriod], period_id: int | None) -> ReportingPeriod | None:
    """The period a page asked for among these, or None."""
    return next((p for p in periods if p.id == period_id), None)


def list_begun_periods(plan: Plan, today: date) -> list[ReportingPeriod]:
    """The plan's periods that have begun by today, oldest first: those a status history may show."""
    return [p for p in list_plan_periods(plan, newest_first=False) if p.starts_on <= today]


def list_history_periods(plan: Plan, today: date, last_id: int | None, count: int) -> list[ReportingPeriod]:
    """The columns of a status history: the plan's periods begun by today, oldest first, the last `count`
    of them up to the one asked for (else up to the latest begun)."""
    begun = list_begun_periods(plan, today)
    last = pick_period(begun, last_id) or (begun[-1] if begun else None)
    if last is None:
        return []
    upto = begun[: begun.index(last) + 1]
    return upto[-count:]


def choose_period(periods: list[ReportingPeriod], chosen: int | None, today: date) -> ReportingPeriod | None:
    """The period a page asked for among the plan's periods (newest first), else the latest that has ended."""
    if not periods:
        return None
    return pick_period(periods, chosen) or next((p for p in periods if p.ends_on <= today), periods[-1])


def get_default_period(plan: Plan, today: date) -> ReportingPeriod:
    """The latest period that has ended, else the earliest one still to come."""
    ended = session.scalar(
        select(ReportingPeriod)
        .where(ReportingPeriod.plan_id == plan.id, ReportingPeriod.ends_on <= today)
        .order_by(ReportingPeriod.ends_on.desc())
        .limit(1)
    )
    period = ended or session.scalar(
        select(ReportingPeriod)
        .where(ReportingPeriod.plan_id == plan.id)
        .order_by(ReportingPeriod.ends_on)
        .limit(1)
    )
    if period is None:
        raise NotFound(f"“{plan.short_name}”规划还没有填报期间，请先由市级牵头部门开设期间。")
    return period


def get_open_period(plan: Plan, today: date) -> ReportingPeriod:
    """The period officers are filling in now: the earliest still open, else the default period."""
    candidates = session.scalars(
        select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id).order_by(ReportingPeriod.ends_on)
    )
    return next((p for p in candidates if is_open(p, today)), None) or get_default_period(plan, today)


def get_current_period(plan: Plan | None, today: date) -> ReportingPeriod | None:
    """The open period ending latest (of one plan, if given): the one reminders are about."""
    stmt = select(ReportingPeriod).order_by(ReportingPeriod.ends_on.desc())
    if plan is not None:
        stmt = stmt.where(ReportingPeriod.plan_id == plan.id)
    return next((p for p in session.scalars(stmt) if is_open(p, today)), None)


def find_period(code: str, plan_key: str | None = None) -> ReportingPeriod:
    """A period by its code (2023Q4); with several plans holding that code, the plan must be named."""
    stmt = select(ReportingPeriod).where(ReportingPeriod.code == (code or "").strip().upper())
    if plan_key:
        stmt = stmt.join(Plan).where(
            (Plan.short_name == plan_key) | (Plan.name == plan_key) | (Plan.id == _as_int(plan_key))
        )
    found = list(session.scalars(stmt))
    if not found and plan_key:
        raise NotFound(f"规划“{plan_key}”没有编号为“{code}”的填报期间（或没有这个规划）。")
    if not found:
        raise NotFound(f"没有编号为“{code}”的填报期间。")
    if len(found) > 1:
        raise NotFound(f"多个规划都有“{code}”期间，请用 --plan 指定规划。")
    return found[0]


def _as_int(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 10 else -1
