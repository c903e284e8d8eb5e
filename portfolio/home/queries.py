"""What each role's home page (工作台) shows: a fixed number of statements per section."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from portfolio.annex.queries import list_batches
from portfolio.auth.models import LoginFailure, User
from portfolio.data_version import remembered, statement_key
from portfolio.db import session, utcnow
from portfolio.evaluation.models import (
    EvaluationRound,
    Indicator,
    IndicatorValue,
    ProjectAssessment,
    RoundStatus,
)
from portfolio.permissions import visible_projects
from portfolio.projects.models import Category, Location, Plan, Project
from portfolio.reporting.models import ProgressRow, ReportingPeriod, ReportStatus
from portfolio.reporting.periods import is_open
from portfolio.reporting.progress import anchor_period_id, default_as_of, level_in_sql, progress_for
from portfolio.reporting.queries import count_behind_by_county, list_period_rows, list_period_states
from portfolio.reporting.queue import QueueFilter, count_review_queue, list_review_queue
from portfolio.reporting.warnings import Level

# The officer's list puts what needs their hand first: returned, not started, draft, then the rest.
STATE_ORDER = {ReportStatus.RETURNED: 0, None: 1, ReportStatus.DRAFT: 2, ReportStatus.SUBMITTED: 3}
TASKS_SHOWN = 30


@dataclass
class PeriodTasks:
    period: ReportingPeriod
    days_left: int
    rows: list  # (project, report or None), returned first; the first TASKS_SHOWN of them
    counts: Counter = field(default_factory=Counter)  # ReportStatus or None -> projects
    total: int = 0  # reporting projects in all, listed or not

    @property
    def to_do(self) -> int:
        return sum(
            n for state, n in self.counts.items() if state in STATE_ORDER and state != ReportStatus.SUBMITTED
        )


def list_open_periods(today: date) -> list[ReportingPeriod]:
    """Periods open today, the nearest deadline first."""
    stmt = (
        select(ReportingPeriod).options(selectinload(ReportingPeriod.plan)).order_by(ReportingPeriod.deadline)
    )
    return [p for p in session.scalars(stmt) if is_open(p, today)]


def _deadline(period: ReportingPeriod) -> date:
    return max(period.deadline, period.reopened_until or period.deadline)


def list_officer_tasks(user, today: date, limit: int = TASKS_SHOWN) -> list[PeriodTasks]:
    """Each open period with this officer's reporting projects and their report state, returned first.

    Every project is counted, but only the first `limit` in that order are loaded and listed: an officer of a
    large county would otherwise get hundreds of rows; the period page (paged, filterable) holds them all.
    """
    tasks = []
    for period in list_open_periods(today):
        states = list_period_states(period, user)
        states.sort(key=lambda row: STATE_ORDER.get(row[1], 9))
        shown = [project_id for project_id, _ in states[:limit]]
        rows = list_period_rows(period, user, shown)
        counts = Counter(state for _, state in states)
        tasks.append(PeriodTasks(period, (_deadline(period) - today).days, rows, counts, len(states)))
    return tasks


@dataclass(frozen=True)
class WarnedProject:
    project_id: int
    name: str
    level: Level
    reason: str


def _warned_candidates(plan: Plan, user, levels, limit: int) -> tuple[list, date, int]:
    """A plan's projects that may carry one of the levels, in list order, the date judged at, and their count.

    At a period end the read model picks, in SQL, the first `limit` projects of each level and counts them
    all; at another date (today inside an open period) they are picked from every visible project's live
    progress, remembered until the data version changes.
    """
    stmt = select(
        Project.id, Project.plan_id, Project.status, Project.planned_start, Project.planned_end, Project.name
    ).where(Project.plan_id == plan.id, visible_projects(user))
    order = (Project.category_id, Project.seq_no, Project.id)
    as_of = default_as_of(plan)
    anchor = anchor_period_id(plan.id, as_of)
    if anchor is None:
        key = ("warned live", statement_key(stmt), as_of, tuple(levels), limit)
        rows, counted = remembered(session, key, lambda: _judged(stmt.order_by(*order), as_of, levels, limit))
        return rows, as_of, counted
    stmt = stmt.outerjoin(
        ProgressRow, and_(ProgressRow.project_id == Project.id, ProgressRow.period_id == anchor)
    )
    level = level_in_sql(Project.status)
    rows = []
    for wanted in levels:
        rows += session.execute(stmt.where(level == wanted.value).order_by(*order).limit(limit)).all()
    counted = stmt.where(level.in_([wanted.value for wanted in levels])).subquery()
    return rows, as_of, session.scalar(select(func.count()).select_from(counted))


def _judged(stmt, as_of: date, levels, limit: int) -> tuple[tuple, int]:
    """The first `limit` rows of each level, level by level, and how many rows have one of the levels."""
    rows = session.execute(stmt).all()
    progress = progress_for(rows, as_of)
    by_level = {wanted: [r for r in rows if progress[r.id].warning.level == wanted] for wanted in levels}
    return tuple(r for wanted in levels for r in by_level[wanted][:limit]), sum(map(len, by_level.values()))


def list_warned_projects(
    user, levels=(Level.RED, Level.YELLOW), limit: int = 20
) -> tuple[list[WarnedProject], int]:
    """Projects this user may see whose schedule warning is one of the levels, red first; and their count."""
    found, total = [], 0
    for plan in session.scalars(select(Plan).order_by(Plan.start_year)):
        rows, as_of, counted = _warned_candidates(plan, user, levels, limit)
        progress = progress_for(rows, as_of)
        warned = [
            WarnedProject(row.id, row.name, progress[row.id].warning.level, progress[row.id].warning.reason)
            for row in rows
            if progress[row.id].warning.level in levels
        ]
        found += warned
        total += counted
    found.sort(key=lambda w: levels.index(w.level))
    return found[:limit], total


@dataclass
class PlannerHome:
    queue: list
    queue_total: int
    behind: list  # (period, [(county, not submitted, expected)])
    red: list
    red_total: int
    imports: list
    counties: list
    categories: list


def get_planner_home(user, today: date, filters: QueueFilter) -> PlannerHome:
    """Reports to review, who has not reported, red projects and recent imports."""
    behind = [(p, count_behind_by_county(p)) for p in list_open_periods(today)]
    red, red_total = list_warned_projects(user, (Level.RED,))
    return PlannerHome(
        queue=list_review_queue(filters, limit=30),
        queue_total=count_review_queue(filters),
        behind=behind,
        red=red,
        red_total=red_total,
        imports=list_batches(limit=5),
        counties=list(session.scalars(select(Location).order_by(Location.sort_order, Location.id))),
        categories=list(
            session.scalars(
                select(Category)
                .options(selectinload(Category.plan))
                .order_by(Category.plan_id, Category.number)
            )
        ),
    )


@dataclass
class RoundTasks:
    round: EvaluationRound
    unconfirmed: list  # assessments without a reviewer's confirmation
    unconfirmed_total: int
    year: int  # the year whose indicator values are expected
    missing_indicators: list


def list_reviewer_tasks(limit: int = 30) -> list[RoundTasks]:
    """Each draft round: assessments still to confirm and indicators without a value for the year."""
    tasks = []
    rounds = session.scalars(
        select(EvaluationRound)
        .where(EvaluationRound.status == RoundStatus.DRAFT)
        .order_by(EvaluationRound.as_of)
    )
    for round_ in rounds:
        pending = (
            select(ProjectAssessment)
            .join(Project, Project.id == ProjectAssessment.project_id)
            .where(ProjectAssessment.round_id == round_.id, ProjectAssessment.reviewer_id.is_(None))
        )
        total = session.scalar(pending.with_only_columns(func.count(ProjectAssessment.id))) or 0
        unconfirmed = session.scalars(
            pending.options(selectinload(ProjectAssessment.project))
            .order_by(Project.category_id, Project.seq_no, Project.id)
            .limit(limit)
        ).all()
        year = round_.as_of.year - 1
        missing = session.scalars(
            select(Indicator)
            .outerjoin(
                IndicatorValue,
                and_(IndicatorValue.indicator_id == Indicator.id, IndicatorValue.year == year),
            )
            .where(Indicator.plan_id == round_.plan_id, IndicatorValue.id.is_(None))
            .order_by(Indicator.seq)
        ).all()
        tasks.append(RoundTasks(round_, list(unconfirmed), total, year, list(missing)))
    return tasks


@dataclass
class AdminHome:
    locked: list
    failures: list
    never_used: list


def get_admin_home(failure_days: int = 7) -> AdminHome:
    """Locked accounts, the last week's refused logins and active accounts nobody has logged in with."""
    now = utcnow()
    return AdminHome(
        locked=list(session.scalars(select(User).where(User.locked_until > now).order_by(User.username))),
        failures=list(
            session.scalars(
                select(LoginFailure)
                .where(LoginFailure.at >= now - timedelta(days=failure_days))
                .order_by(LoginFailure.at.desc())
                .limit(20)
            )
        ),
        never_used=list(
            session.scalars(
                select(User)
                .where(User.last_login_at.is_(None), User.is_active.is_(True))
                .order_by(User.created_at)
            )
        ),
    )
