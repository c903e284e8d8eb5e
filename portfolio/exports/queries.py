"""Reads behind the exports: the periods one can export and the projects a sheet holds."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portfolio.db import session
from portfolio.errors import NotFound
from portfolio.permissions import visible_projects
from portfolio.projects.models import LifecycleStatus, Location, Plan, Project
from portfolio.projects.queries import (
    ProjectFilters,
    filtered_projects,
    get_selected_plan,
    with_register_details,
)
from portfolio.reporting.models import ReportingPeriod, StatusReport
from portfolio.reporting.periods import is_open
from portfolio.reporting.queries import NOT_REPORTING


def list_periods(plan: Plan) -> list[ReportingPeriod]:
    return list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.plan_id == plan.id)
            .order_by(ReportingPeriod.ends_on.desc())
        )
    )


def choose_period(periods: list[ReportingPeriod], chosen: int | None, today: date) -> ReportingPeriod | None:
    """The period a page asked for among the plan's periods, else the latest that has ended."""
    if not periods:
        return None
    picked = next((p for p in periods if p.id == chosen), None)
    return picked or next((p for p in periods if p.ends_on <= today), periods[-1])


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


def find_period(code: str, plan_key: str | None = None) -> ReportingPeriod:
    """A period by its code (2023Q4); with several plans holding that code, the plan must be named."""
    stmt = select(ReportingPeriod).where(ReportingPeriod.code == (code or "").strip().upper())
    if plan_key:
        stmt = stmt.join(Plan).where(
            (Plan.short_name == plan_key) | (Plan.name == plan_key) | (Plan.id == _as_int(plan_key))
        )
    found = list(session.scalars(stmt))
    if not found:
        raise NotFound(f"没有编号为“{code}”的填报期间。")
    if len(found) > 1:
        raise NotFound(f"多个规划都有“{code}”期间，请用 --plan 指定规划。")
    return found[0]


def _as_int(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 10 else -1


def get_location(key: str) -> Location:
    stmt = select(Location).where((Location.name == key) | (Location.id == _as_int(key)))
    location = session.scalar(stmt)
    if location is None:
        raise NotFound(f"没有名为“{key}”的县区。")
    return location


def list_sheet_projects(user, plan: Plan, filters: ProjectFilters) -> list[Project]:
    """The user's visible projects in the plan, narrowed like the project list, with what sheets show."""
    stmt = filtered_projects(user, filters, plan)
    if filters.status is None:  # projects moved out of the annex leave the sheets unless asked for
        stmt = stmt.where(Project.status != LifecycleStatus.WITHDRAWN)
    stmt = with_register_details(stmt).options(selectinload(Project.plan))
    return list(session.scalars(stmt))


def list_reportable_ids(user, ids: list[int]) -> set[int]:
    """Which of these projects the user reports on: the same scope as their template and list pages."""
    stmt = select(Project.id).where(Project.id.in_(ids), visible_projects(user))
    return set(session.scalars(stmt))


def list_template_projects(user, plan: Plan) -> list[Project]:
    """Projects a fill-in template holds: the user's visible projects that still report."""
    stmt = filtered_projects(user, ProjectFilters(), plan).where(Project.status.not_in(NOT_REPORTING))
    stmt = with_register_details(stmt).options(selectinload(Project.plan), selectinload(Project.annual_plans))
    return list(session.scalars(stmt))


def list_period_reports(projects: list[Project], period: ReportingPeriod) -> dict[int, StatusReport]:
    """project_id → its report for the period, whatever its status."""
    ids = [p.id for p in projects]
    stmt = select(StatusReport).where(StatusReport.period_id == period.id, StatusReport.project_id.in_(ids))
    return {r.project_id: r for r in session.scalars(stmt)}


def select_plan(filters: ProjectFilters) -> Plan:
    return get_selected_plan(filters.plan_id)
