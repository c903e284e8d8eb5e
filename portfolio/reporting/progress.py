"""Approved progress: what every page, sheet and evaluation shows for a project.

Only approved status reports count. At the end of a period the answer is read from the maintained read model
(ProgressRow, kept by progress_model.py); at any other date it is computed from the reports
(progress_live.py). Either way a fixed number of SQL statements, however many projects are asked about.

Today, inside an open period (a city's usual state), is no period end: the whole plan's answer for today is
computed once and remembered until the data version changes (portfolio.data_version), since every page that
asks about more than a page of projects asks about the same date.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import case, func, select

from portfolio.audit.services import record
from portfolio.data_version import remembered
from portfolio.db import money, session
from portfolio.definitions.investment import annual_rate
from portfolio.localtime import local_today
from portfolio.projects.models import LifecycleStatus, Project
from portfolio.reporting.models import ProgressRow, ReportingPeriod, Setting, StatusReport
from portfolio.reporting.progress_live import (
    NAMED_LIMIT,
    Scope,
    annual_plans,
    live_progress,
)
from portfolio.reporting.progress_model import THRESHOLDS_KEY
from portfolio.reporting.warnings import Level, Thresholds, Warning, assess

ZERO = Decimal(0)
INACTIVE_STATUSES = (LifecycleStatus.WITHDRAWN, LifecycleStatus.CANCELLED)


@dataclass(frozen=True)
class ProjectProgress:
    project_id: int
    last_report_id: int | None
    last_period_code: str | None
    last_reviewed_at: datetime | None
    percent_complete: Decimal | None
    progress_text: str | None
    problems: str | None
    next_steps: str | None
    period_invested_wan: Decimal | None
    year_invested_wan: Decimal
    cumulative_invested_wan: Decimal
    annual_plan_wan: Decimal | None
    completion_rate: Decimal | None
    warning: Warning
    reported_in_period: bool


def get_thresholds() -> Thresholds:
    """The warning thresholds planners configured, or the defaults (10 and 30 points, 3 months).

    Every page with warnings asks; remembered per data version."""
    return remembered(session, ("thresholds",), _read_thresholds)


def _read_thresholds() -> Thresholds:
    value = session.scalar(select(Setting.value).where(Setting.key == THRESHOLDS_KEY))
    return Thresholds.from_dict(value)


def save_thresholds(actor, thresholds: Thresholds) -> None:
    """Store new warning thresholds; the change is audited."""
    setting = session.get(Setting, THRESHOLDS_KEY)
    before = setting.value if setting else Thresholds().as_dict()
    if setting is None:
        setting = Setting(key=THRESHOLDS_KEY, value=thresholds.as_dict())
        session.add(setting)
    else:
        setting.value = thresholds.as_dict()
    setting.updated_by_id = getattr(actor, "id", None)
    session.flush()
    record(
        actor,
        "settings.thresholds",
        setting,
        before=before,
        after=thresholds.as_dict(),
        entity_type="Setting",
        summary="修改预警阈值",
    )


def completion_rate(done: Decimal, planned: Decimal | None) -> Decimal | None:
    """A project's 年度计划完成率 (definitions.investment.ANNUAL_RATE), one decimal; None without a plan."""
    return annual_rate([(done, planned)])


def progress_for(
    projects: Sequence[Project], as_of: date, period: ReportingPeriod | None = None
) -> dict[int, ProjectProgress]:
    """Approved progress and the warning of each project as of a date (and within a period, if given).

    `projects` may be ORM objects or rows: each needs id, plan_id, status, planned_start, planned_end.
    At the end of a period the maintained read model answers; at any other date the reports are summed.
    """
    if not projects:
        return {}
    thresholds = get_thresholds()
    period_id = period.id if period else None
    # A page of projects is remembered per data version: its progress was a sixth of the list's and the
    # period page's time. The ids name the projects; all else read of them is data. More than a page (a
    # whole plan's export) is not kept: the memo holds many entries.
    ids = tuple(p.id for p in projects)
    key = ("progress", ids, as_of, period_id, thresholds) if len(ids) <= NAMED_LIMIT else None
    return dict(remembered(session, key, lambda: _progress(projects, as_of, period, thresholds)))


def _progress(projects, as_of: date, period: ReportingPeriod | None, thresholds: Thresholds) -> dict:
    plan_ids = {p.plan_id for p in projects}
    plan_id = plan_ids.pop() if len(plan_ids) == 1 else None
    anchor = anchor_period_id(plan_id, as_of) if plan_id is not None else None
    if anchor is not None:
        return read_progress(projects, as_of, anchor, period, thresholds)
    period_id = period.id if period else None
    if plan_id is not None and len(projects) > NAMED_LIMIT and as_of == local_today():
        whole = whole_plan_today(plan_id, as_of, period_id, thresholds)
        if all(p.id in whole for p in projects):
            return {p.id: whole[p.id] for p in projects}
    return live_progress(projects, as_of, period_id, thresholds, _build)


def whole_plan_today(plan_id: int, today: date, period_id: int | None, thresholds: Thresholds) -> dict:
    """Every project of the plan as live_progress answers for today, remembered per data version.

    Only for today (one entry per plan and period, however many dates pages are asked about), and only for
    more projects than a page shows: a page of them is summed afresh in a few milliseconds.
    """

    def compute() -> dict:
        stmt = select(*PROGRESS_INPUTS).where(Project.plan_id == plan_id)
        return live_progress(session.execute(stmt).all(), today, period_id, thresholds, _build)

    return remembered(session, ("progress today", plan_id, today, period_id, thresholds), compute)


# What progress_for needs of each project.
PROGRESS_INPUTS = (Project.id, Project.plan_id, Project.status, Project.planned_start, Project.planned_end)


def anchor_period_id(plan_id: int, as_of: date) -> int | None:
    """The period of the plan ending on that date, whose read-model rows hold the picture as of it."""

    def read() -> int | None:  # built only on a miss: building a statement costs more than a memo hit
        return session.scalar(
            select(func.min(ReportingPeriod.id)).where(
                ReportingPeriod.plan_id == plan_id, ReportingPeriod.ends_on == as_of
            )
        )

    return remembered(session, ("anchor", plan_id, as_of), read)


def _rows(scope: Scope, period_id: int, columns) -> dict[int, tuple]:
    stmt = select(ProgressRow.project_id, *columns).where(ProgressRow.period_id == period_id)
    return {row[0]: row[1:] for row in session.execute(scope.narrow(stmt, ProgressRow.project_id))}


def _latest_columns():
    return (
        ProgressRow.last_report_id,
        select(ReportingPeriod.code).where(ReportingPeriod.id == StatusReport.period_id).scalar_subquery(),
        StatusReport.reviewed_at,
        ProgressRow.percent_complete,
        StatusReport.progress_text,
        StatusReport.problems,
        StatusReport.next_steps,
        ProgressRow.year_invested_wan,
        ProgressRow.cumulative_invested_wan,
        ProgressRow.expected_pct,
        ProgressRow.behind_points,
        ProgressRow.level,
        ProgressRow.reason,
        ProgressRow.days_behind,
        ProgressRow.period_invested_wan,
        ProgressRow.reported_in_period,
    )


def _read_rows(scope: Scope, anchor: int, period: ReportingPeriod | None, as_of: date) -> dict[int, tuple]:
    stmt = (
        select(ProgressRow.project_id, *_latest_columns())
        .outerjoin(StatusReport, StatusReport.id == ProgressRow.last_report_id)
        .where(ProgressRow.period_id == anchor)
    )
    rows = {row[0]: row[1:] for row in session.execute(scope.narrow(stmt, ProgressRow.project_id))}
    own = {}
    if period is not None and period.id != anchor and period.ends_on <= as_of:
        columns = (ProgressRow.period_invested_wan, ProgressRow.reported_in_period)
        own = _rows(scope, period.id, columns)
    for project_id, row in rows.items():
        if period is None:
            rows[project_id] = (*row[:-2], None, False)
        elif period.id != anchor:
            rows[project_id] = (*row[:-2], *own.get(project_id, (None, False)))
    return rows


@lru_cache(maxsize=4096)
def warning_without_report(
    status, planned_start, planned_end, as_of: date, thresholds: Thresholds
) -> Warning:
    """The warning of a project with nothing approved yet: shared by every project with the same dates."""
    return assess(status, planned_start, planned_end, None, as_of, thresholds)


def read_progress(projects, as_of: date, anchor: int, period, thresholds: Thresholds) -> dict:
    """Progress as of the end of the anchor period, from the read model (plus each project's annual plan)."""
    scope = Scope.of(projects)
    rows = _read_rows(scope, anchor, period, as_of)
    plans = annual_plans(scope, as_of.year)
    result = {}
    for project in projects:
        row = rows.get(project.id)
        if row is None:
            fields = _nothing_approved(project, as_of, thresholds)
        else:
            report_id, code, reviewed_at, pct, text, problems, steps, year, total = row[:9]
            expected, behind, level, reason, days, in_period, reported = row[9:]
            fields = dict(
                last_report_id=report_id,
                last_period_code=code,
                last_reviewed_at=reviewed_at,
                percent_complete=pct,
                progress_text=text,
                problems=problems,
                next_steps=steps,
                period_invested_wan=in_period,  # MONEY columns: already four places, guarded on read
                year_invested_wan=year,
                cumulative_invested_wan=total,
                warning=Warning(level, expected, pct, behind, reason, days),
                reported_in_period=bool(reported),
            )
        fields["annual_plan_wan"] = money(plans.get(project.id))
        result[project.id] = _build(project, fields)
    return result


def level_in_sql(status_column):
    """The warning level as SQL over a join with the period's ProgressRow (outer: a project may have none).

    No row: nothing approved yet, so the level follows from the status alone (as assess() decides).
    """
    return func.coalesce(
        ProgressRow.level,
        case(
            (status_column.in_(INACTIVE_STATUSES), Level.INACTIVE.value),
            (status_column == LifecycleStatus.COMPLETED, Level.GREEN.value),
            else_=Level.UNREPORTED.value,
        ),
    )


def _nothing_approved(project, as_of: date, thresholds: Thresholds) -> dict:
    return dict(
        last_report_id=None,
        last_period_code=None,
        last_reviewed_at=None,
        percent_complete=None,
        progress_text=None,
        problems=None,
        next_steps=None,
        period_invested_wan=None,
        year_invested_wan=ZERO,
        cumulative_invested_wan=ZERO,
        warning=warning_without_report(
            project.status, project.planned_start, project.planned_end, as_of, thresholds
        ),
        reported_in_period=False,
    )


def _build(project, fields: dict) -> ProjectProgress:
    rate = completion_rate(fields["year_invested_wan"], fields["annual_plan_wan"])
    return ProjectProgress(project_id=project.id, completion_rate=rate, **fields)


def default_as_of(plan) -> date:
    """The date a plan's warnings are judged at: the end of its latest period that has begun, else today.

    Never later than today, and never after the plan's last year, so a finished plan keeps its final picture.
    """
    today = local_today()

    def read() -> date | None:
        return session.scalar(
            select(func.max(ReportingPeriod.ends_on)).where(
                ReportingPeriod.plan_id == plan.id, ReportingPeriod.starts_on <= today
            )
        )

    latest_end = remembered(session, ("latest_end", plan.id, today), read)
    candidates = [today, plan.ends_on]
    if latest_end is not None:
        candidates.append(latest_end)
    return min(candidates)
