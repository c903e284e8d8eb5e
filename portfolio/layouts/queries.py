"""Reads behind layouts: the layouts themselves, and the projects a layout's sheet holds."""

from dataclasses import replace

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from portfolio.db import session
from portfolio.errors import NotFound
from portfolio.funding.models import FundingSource
from portfolio.layouts.models import SheetLayout
from portfolio.layouts.spec import LayoutFilters
from portfolio.projects.models import (
    Category,
    LifecycleStatus,
    Location,
    Plan,
    Project,
    ProjectLocation,
)
from portfolio.projects.queries import ProjectFilters, filtered_projects, with_register_details
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport


def list_layouts() -> list[SheetLayout]:
    """Built-in layouts first, then the others by name."""
    return list(session.scalars(select(SheetLayout).order_by(SheetLayout.builtin.desc(), SheetLayout.name)))


def get_layout(layout_id: int) -> SheetLayout:
    layout = session.get(SheetLayout, layout_id)
    if layout is None:
        raise NotFound("没有这个报表版式。")
    return layout


def find_layout(name: str) -> SheetLayout:
    layout = session.scalar(select(SheetLayout).where(SheetLayout.name == (name or "").strip()))
    if layout is None:
        raise NotFound(f"没有名为“{name}”的报表版式。")
    return layout


def layout_named(name: str) -> SheetLayout | None:
    return session.scalar(select(SheetLayout).where(SheetLayout.name == name))


def list_all_sources() -> list[FundingSource]:
    return list(
        session.scalars(select(FundingSource).order_by(FundingSource.plan_id, FundingSource.position))
    )


def list_county_names() -> list[str]:
    return list(session.scalars(select(Location.name).order_by(Location.sort_order)))


def layout_projects_stmt(
    user, plan: Plan, filters: LayoutFilters, county: Location | None, narrowed: ProjectFilters | None = None
) -> Select:
    """SELECT Project: the user's visible projects in the plan that the layout's filters, the chosen county
    and the project list's filters (when a sheet is downloaded from the list) keep."""
    narrowed = narrowed or ProjectFilters()
    if county is not None:
        narrowed = replace(narrowed, county_id=county.id)
    stmt = filtered_projects(user, narrowed, plan)
    if filters.status:
        stmt = stmt.where(Project.status.in_([LifecycleStatus(s) for s in filters.status]))
    elif narrowed.status is None:  # projects moved out of the annex leave the sheets unless asked for
        stmt = stmt.where(Project.status != LifecycleStatus.WITHDRAWN)
    if filters.category:
        numbers = select(Category.id).where(
            Category.plan_id == plan.id, Category.number.in_(filters.category)
        )
        stmt = stmt.where(Project.category_id.in_(numbers))
    if filters.county:
        places = (
            select(ProjectLocation.project_id)
            .join(Location, Location.id == ProjectLocation.location_id)
            .where(Location.name.in_(filters.county))
        )
        stmt = stmt.where(Project.id.in_(places))
    return stmt


def list_full_projects(stmt: Select, annual: bool) -> list[Project]:
    """The projects as ORM objects, for layouts that show fields the sheets' plain rows leave out."""
    stmt = with_register_details(stmt).options(selectinload(Project.plan))
    if annual:
        stmt = stmt.options(selectinload(Project.annual_plans))
    return list(session.scalars(stmt))


def list_approved_report_fields(project_ids: list[int], period: ReportingPeriod) -> dict[int, dict]:
    """project id → 项目状态变更 and 需协调事项 of its approved report for the period (the read model
    carries the other report figures)."""
    stmt = select(StatusReport.project_id, StatusReport.new_status, StatusReport.coordination).where(
        StatusReport.period_id == period.id,
        StatusReport.status == ReportStatus.APPROVED,
        StatusReport.project_id.in_(project_ids),
    )
    return {
        pid: {"new_status": status.label if status else None, "coordination": coordination}
        for pid, status, coordination in session.execute(stmt)
    }
