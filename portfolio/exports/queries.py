"""Reads behind the exports: the projects a sheet holds (which period: reporting.selection)."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portfolio.db import session
from portfolio.errors import NotFound
from portfolio.exports.sheet_projects import SheetProject, load_sheet_projects
from portfolio.numbers import parse_int
from portfolio.permissions import visible_projects
from portfolio.projects.models import LifecycleStatus, Location, Plan, Project
from portfolio.projects.queries import (
    ProjectFilters,
    filtered_projects,
    get_selected_plan,
    with_register_details,
)
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.queries import NOT_REPORTING


def _as_int(text: str) -> int:
    number = parse_int(text)
    return -1 if number is None else number


def get_location(key: str) -> Location:
    stmt = select(Location).where((Location.name == key) | (Location.id == _as_int(key)))
    location = session.scalar(stmt)
    if location is None:
        raise NotFound(f"没有名为“{key}”的县区。")
    return location


def list_locations(ids: list[int] | None) -> list[Location]:
    """These counties (every county with None) in their usual order."""
    stmt = select(Location).order_by(Location.sort_order, Location.id)
    if ids is not None:
        stmt = stmt.where(Location.id.in_(ids))
    return list(session.scalars(stmt))


def list_sheet_projects(user, plan: Plan, filters: ProjectFilters) -> list[SheetProject]:
    """The user's visible projects in the plan, narrowed like the project list, with what sheets show."""
    stmt = filtered_projects(user, filters, plan)
    if filters.status is None:  # projects moved out of the annex leave the sheets unless asked for
        stmt = stmt.where(Project.status != LifecycleStatus.WITHDRAWN)
    return load_sheet_projects(stmt)


def list_reportable_ids(user, ids: list[int]) -> set[int]:
    """Which of these projects the user reports on: the same scope as their template and list pages."""
    stmt = select(Project.id).where(Project.id.in_(ids), visible_projects(user))
    return set(session.scalars(stmt))


def list_template_projects(user, plan: Plan) -> list[Project]:
    """Projects a fill-in template holds: the user's visible projects that still report."""
    stmt = filtered_projects(user, ProjectFilters(), plan).where(Project.status.not_in(NOT_REPORTING))
    stmt = with_register_details(stmt).options(selectinload(Project.plan), selectinload(Project.annual_plans))
    return list(session.scalars(stmt))


def list_report_statuses(projects, period: ReportingPeriod) -> dict[int, ReportStatus]:
    """project_id → the status of its report for the period (projects without one are absent)."""
    stmt = select(StatusReport.project_id, StatusReport.status).where(StatusReport.period_id == period.id)
    wanted = {p.id for p in projects}
    return {pid: status for pid, status in session.execute(stmt) if pid in wanted}


def list_period_reports(projects: list[Project], period: ReportingPeriod) -> dict[int, StatusReport]:
    """project_id → its report for the period, whatever its status."""
    ids = [p.id for p in projects]
    stmt = select(StatusReport).where(StatusReport.period_id == period.id, StatusReport.project_id.in_(ids))
    return {r.project_id: r for r in session.scalars(stmt)}


def select_plan(filters: ProjectFilters) -> Plan:
    return get_selected_plan(filters.plan_id)
