"""Reads for the reporting pages: periods, a period's reports, a project's history, who has not reported.

Each list runs a fixed number of statements however many projects or reports there are.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portfolio.audit.models import AuditEntry
from portfolio.db import money, session
from portfolio.errors import NotFound
from portfolio.permissions import visible_projects
from portfolio.projects.models import LifecycleStatus, Location, Project, ProjectLocation, ProjectUnit
from portfolio.reporting.models import Attachment, ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.progress import completion_rate, progress_for

# Projects that no longer report: finished, cancelled or moved out of the plan.
NOT_REPORTING = (LifecycleStatus.COMPLETED, LifecycleStatus.CANCELLED, LifecycleStatus.WITHDRAWN)
# A report in one of these states still counts as "not submitted" for the reminders page.
UNSUBMITTED = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _project_options():
    return (
        selectinload(Project.locations),
        selectinload(Project.unit_links).joinedload(ProjectUnit.unit),
    )


def get_period(period_id: int) -> ReportingPeriod:
    period = session.get(ReportingPeriod, period_id, options=[joinedload(ReportingPeriod.plan)])
    if period is None:
        raise NotFound("填报期间不存在。")
    return period


def get_report(report_id: int) -> StatusReport:
    stmt = (
        select(StatusReport)
        .where(StatusReport.id == report_id)
        .options(
            joinedload(StatusReport.period),
            joinedload(StatusReport.project).options(*_project_options()),
            selectinload(StatusReport.attachments),
        )
    )
    report = session.scalar(stmt)
    if report is None:
        raise NotFound("进度报告不存在。")
    return report


def get_attachment(attachment_id: int) -> Attachment:
    attachment = session.scalar(
        select(Attachment)
        .where(Attachment.id == attachment_id)
        .options(joinedload(Attachment.report).joinedload(StatusReport.project).options(*_project_options()))
    )
    if attachment is None:
        raise NotFound("附件不存在。")
    return attachment


def get_project(project_id: int) -> Project:
    project = session.scalar(
        select(Project)
        .where(Project.id == project_id)
        .options(*_project_options(), selectinload(Project.milestones))
    )
    if project is None:
        raise NotFound("项目不存在。")
    return project


def list_period_rows(
    period: ReportingPeriod, user, project_ids: list[int] | None = None
) -> list[tuple[Project, StatusReport | None]]:
    """The projects of the period's plan this user may see, each with its report for the period (or None).

    With `project_ids`, only those projects, in that order.
    """
    stmt = (
        select(Project, StatusReport)
        .outerjoin(
            StatusReport,
            and_(StatusReport.project_id == Project.id, StatusReport.period_id == period.id),
        )
        .where(Project.plan_id == period.plan_id, visible_projects(user))
        .options(*_project_options())
        .order_by(Project.category_id, Project.seq_no, Project.id)
    )
    if project_ids is None:
        return [(project, report) for project, report in session.execute(stmt)]
    if not project_ids:
        return []
    found = {
        project.id: (project, report)
        for project, report in session.execute(stmt.where(Project.id.in_(project_ids)))
    }
    return [found[i] for i in project_ids if i in found]


def list_period_states(period: ReportingPeriod, user) -> list[tuple[int, ReportStatus | None]]:
    """The user's reporting projects of the period's plan, in list order, with their report's state."""
    stmt = (
        select(Project.id, StatusReport.status)
        .outerjoin(
            StatusReport,
            and_(StatusReport.project_id == Project.id, StatusReport.period_id == period.id),
        )
        .where(
            Project.plan_id == period.plan_id, visible_projects(user), Project.status.not_in(NOT_REPORTING)
        )
        .order_by(Project.category_id, Project.seq_no, Project.id)
    )
    return [(project_id, state) for project_id, state in session.execute(stmt)]


def list_reports_for_project(project: Project) -> list[StatusReport]:
    """A project's report history, newest period first (every state: the history is the record)."""
    stmt = (
        select(StatusReport)
        .join(ReportingPeriod, StatusReport.period_id == ReportingPeriod.id)
        .where(StatusReport.project_id == project.id)
        .options(
            joinedload(StatusReport.period),
            joinedload(StatusReport.reviewed_by),
            selectinload(StatusReport.attachments),
        )
        .order_by(ReportingPeriod.ends_on.desc())
    )
    return list(session.scalars(stmt))


class CountyCount(NamedTuple):
    name: str
    behind: int  # projects not submitted
    expected: int  # projects that should report
    county_id: int | None  # None: projects without a place


@dataclass(frozen=True)
class Reminders:
    period: ReportingPeriod
    missing: list[tuple[Project, StatusReport | None]]  # not submitted: no report, a draft, or returned
    by_county: list[CountyCount]
    expected: int


def _expected_reports(period: ReportingPeriod, *columns) -> Select:
    """The projects that should report for the period, each outer-joined to its report."""
    return (
        select(*columns)
        .select_from(Project)
        .outerjoin(
            StatusReport,
            and_(StatusReport.project_id == Project.id, StatusReport.period_id == period.id),
        )
        .where(Project.plan_id == period.plan_id, Project.status.not_in(NOT_REPORTING))
    )


def _not_submitted():
    return or_(StatusReport.id.is_(None), StatusReport.status.in_(UNSUBMITTED))


def list_reminders(period: ReportingPeriod) -> Reminders:
    """Which projects and which counties have not yet submitted their report for a period (every row:
    the sheet and the sending take them all; the page reads list_reminder_page)."""
    stmt = (
        _expected_reports(period, Project, StatusReport)
        .options(*_project_options())
        .order_by(Project.category_id, Project.seq_no, Project.id)
    )
    rows = list(session.execute(stmt))
    missing = [(p, r) for p, r in rows if r is None or r.status in UNSUBMITTED]
    expected, behind = Counter(), Counter()
    order, ids = {}, {}
    for project, report in rows:
        for loc in project.locations or [None]:
            name = loc.name if loc else "未定地点"
            order[name], ids[name] = (loc.sort_order, loc.id) if loc else (999, None)
            expected[name] += 1
            behind[name] += report is None or report.status in UNSUBMITTED
    by_county = [
        CountyCount(n, behind[n], expected[n], ids[n]) for n in sorted(expected, key=order.get) if behind[n]
    ]
    return Reminders(period, missing, by_county, len(rows))


@dataclass(frozen=True)
class ReminderPage:
    """One page of the not-submitted projects, with the counts over all of them; counted in SQL."""

    period: ReportingPeriod
    missing: list[tuple[Project, StatusReport | None]]  # this page's rows
    missing_total: int
    by_county: list[CountyCount]
    expected: int
    page: int
    pages: int


def count_behind_by_county(period: ReportingPeriod) -> list[CountyCount]:
    """Per county, the projects that should report and those not submitted (one GROUP BY).

    A project in several counties counts in each; one without a place counts under 未定地点, last.
    """
    behind = func.sum(case((_not_submitted(), 1), else_=0))
    stmt = (
        _expected_reports(period, Location.id, Location.name, Location.sort_order, func.count(), behind)
        .outerjoin(ProjectLocation, ProjectLocation.project_id == Project.id)
        .outerjoin(Location, Location.id == ProjectLocation.location_id)
        .group_by(Location.id, Location.name, Location.sort_order)
    )
    expected, late = Counter(), Counter()
    order, ids = {}, {}
    for location_id, name, sort_order, n, n_behind in session.execute(stmt):
        name = name if location_id is not None else "未定地点"
        order[name], ids[name] = (sort_order, location_id) if location_id is not None else (999, None)
        expected[name] += n
        late[name] += n_behind or 0
    return [CountyCount(n, late[n], expected[n], ids[n]) for n in sorted(expected, key=order.get) if late[n]]


def list_reminder_page(period: ReportingPeriod, page: int, per_page: int) -> ReminderPage:
    """One page of the period's not-submitted projects, in annex order, with every count from SQL."""
    counted = _expected_reports(period, func.count(), func.sum(case((_not_submitted(), 1), else_=0)))
    expected, missing_total = session.execute(counted).one()
    missing_total = missing_total or 0
    pages = (missing_total + per_page - 1) // per_page
    page = max(page, 1)
    rows = session.execute(
        _expected_reports(period, Project, StatusReport)
        .where(_not_submitted())
        .options(*_project_options())
        .order_by(Project.category_id, Project.seq_no, Project.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    missing = [(project, report) for project, report in rows]
    return ReminderPage(period, missing, missing_total, count_behind_by_county(period), expected, page, pages)


@dataclass(frozen=True)
class Figures:
    """What the report form derives rather than asks for."""

    year_before_wan: Decimal  # approved investment earlier this year
    cumulative_before_wan: Decimal  # approved investment in all earlier periods
    annual_plan_wan: Decimal | None
    year_wan: Decimal  # with this period's amount
    cumulative_wan: Decimal
    completion_rate: Decimal | None


def get_figures(project: Project, period: ReportingPeriod, invested: Decimal | None) -> Figures:
    """Year-to-date and since-start investment and the annual completion rate, including this period."""
    before = period.starts_on - timedelta(days=1)
    prior = progress_for([project], before)[project.id]
    year_before = prior.year_invested_wan if before.year == period.year else Decimal(0)
    plans = {a.year: a.amount_wan for a in project.annual_plans}
    this = money(invested) or Decimal(0)
    year = year_before + this
    planned = money(plans.get(period.year))
    return Figures(
        year_before,
        prior.cumulative_invested_wan,
        planned,
        year,
        prior.cumulative_invested_wan + this,
        completion_rate(year, planned),
    )


def list_report_history(report: StatusReport) -> list[AuditEntry]:
    """The report's audit trail, oldest first: saved, submitted, returned (with reasons), approved."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == "StatusReport", AuditEntry.entity_id == report.id)
        .options(joinedload(AuditEntry.user))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return list(session.scalars(stmt))
