"""What the OC4IDS export reads: a plan's published projects and approved reports, in fixed statements."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portfolio.db import money, session
from portfolio.funding.queries import list_sources, planned_by_project
from portfolio.permissions import visible_projects
from portfolio.projects.models import LifecycleStatus, Plan, Project, ProjectUnit
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport


@dataclass(frozen=True)
class ApprovedPeriod:
    code: str
    starts_on: date
    ends_on: date
    percent_complete: Decimal | None
    cumulative_wan: Decimal  # approved investment up to and including this period
    reviewed_at: datetime | None


def list_published_projects(plan: Plan, user=None) -> list[Project]:
    """The plan's projects still in it (not 调出), those a user may see if one is given, in register order."""
    stmt = (
        select(Project)
        .where(Project.plan_id == plan.id, Project.status != LifecycleStatus.WITHDRAWN)
        .options(
            selectinload(Project.category),
            selectinload(Project.subcategory),
            selectinload(Project.locations),
            selectinload(Project.unit_links).selectinload(ProjectUnit.unit),
            selectinload(Project.milestones),
        )
        .order_by(Project.category_id, Project.seq_no, Project.id)
    )
    if user is not None:
        stmt = stmt.where(visible_projects(user))
    return list(session.scalars(stmt))


def approved_history(project_ids: list[int]) -> dict[int, list[ApprovedPeriod]]:
    """project id → its approved reports, oldest period first, with the running investment total."""
    stmt = (
        select(
            StatusReport.project_id,
            ReportingPeriod.code,
            ReportingPeriod.starts_on,
            ReportingPeriod.ends_on,
            StatusReport.percent_complete,
            StatusReport.invested_wan,
            StatusReport.reviewed_at,
        )
        .join(ReportingPeriod, ReportingPeriod.id == StatusReport.period_id)
        .where(StatusReport.project_id.in_(project_ids), StatusReport.status == ReportStatus.APPROVED)
        .order_by(StatusReport.project_id, ReportingPeriod.ends_on)
    )
    history: dict[int, list[ApprovedPeriod]] = {}
    running: dict[int, Decimal] = {}
    for pid, code, starts, ends, pct, invested, reviewed in session.execute(stmt):
        running[pid] = running.get(pid, Decimal(0)) + (money(invested) or Decimal(0))
        pct = Decimal(str(pct)) if pct is not None else None
        history.setdefault(pid, []).append(ApprovedPeriod(code, starts, ends, pct, running[pid], reviewed))
    return history


def funding_of(project_ids: list[int], plan: Plan):
    """(sources in order, project id → {source id: planned 万元})."""
    return list_sources(plan.id), planned_by_project(project_ids) if project_ids else {}


def last_change(project_ids: list[int]) -> datetime | None:
    """When the published content last changed: a project edit or a report approval."""
    if not project_ids:
        return None
    edited = session.scalar(select(func.max(Project.updated_at)).where(Project.id.in_(project_ids)))
    approved = session.scalar(
        select(func.max(StatusReport.reviewed_at)).where(
            StatusReport.project_id.in_(project_ids), StatusReport.status == ReportStatus.APPROVED
        )
    )
    return max((t for t in (edited, approved) if t is not None), default=None)
