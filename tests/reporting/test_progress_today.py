"""Today inside an open period: what the fast paths show (the whole plan's progress remembered per data
version, the summary's and dashboard's groups, home's warned lists, the 督办 candidates) is exactly what
live_progress gives, through every kind of change that moves it."""

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio import localtime
from portfolio.dashboard.filters import BoardFilters
from portfolio.dashboard.queries import get_dashboard
from portfolio.db import session
from portfolio.home.queries import list_warned_projects
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind, Project
from portfolio.projects.queries import ProjectFilters, filtered_projects
from portfolio.projects.status_history import change_status
from portfolio.projects.summary import SummaryRow, get_summary
from portfolio.reporting import progress as progress_module
from portfolio.reporting import progress_live
from portfolio.reporting.models import ReportStatus, StatusReport
from portfolio.reporting.periods import close_period, reopen_period
from portfolio.reporting.progress import (
    PROGRESS_INPUTS,
    _build,
    anchor_period_id,
    default_as_of,
    get_thresholds,
    progress_for,
    save_thresholds,
)
from portfolio.reporting.progress_live import live_progress
from portfolio.reporting.services import approve_report, return_report
from portfolio.reporting.warnings import Level, Thresholds
from portfolio.supervision.queries import list_red_candidates
from tests.factories import make_period, make_project, make_report

TODAY = date(2023, 11, 15)  # inside 2023Q4, which ends on 31 December


@pytest.fixture
def today(monkeypatch):
    """Today frozen inside the open quarter, and a page of projects made small, so that a handful of
    projects already takes the whole-plan path that 10,000 take in production."""
    monkeypatch.setattr(localtime, "local_now", lambda: datetime.combine(TODAY, datetime.min.time()))
    monkeypatch.setattr(progress_module, "NAMED_LIMIT", 2)
    monkeypatch.setattr(progress_live, "NAMED_LIMIT", 2)
    return TODAY


def _world():
    dated = {"planned_start": date(2023, 1, 1), "planned_end": date(2024, 6, 1)}
    names = ("按期", "今日通过", "本期已通过", "退回", "从未填报", "调出", "里程碑开工", "落后")
    projects = {name: make_project(name=name, counties=["温县"], **dated) for name in names}
    plan = projects["按期"].plan
    q1, q2, q3, q4 = (make_period(plan, f"2023Q{q}") for q in (1, 2, 3, 4))
    make_report(projects["按期"], q1, invested="100", pct="10")
    make_report(projects["按期"], q3, invested="50.5", pct="55")
    make_report(projects["今日通过"], q2, invested="20", pct="20")
    make_report(projects["今日通过"], q3, ReportStatus.SUBMITTED, invested="30", pct="45")
    make_report(projects["本期已通过"], q2, invested="10", pct="30")
    make_report(projects["本期已通过"], q4, ReportStatus.SUBMITTED, invested="99", pct="80")
    make_report(projects["退回"], q3, ReportStatus.SUBMITTED, invested="40", pct="50")
    make_report(projects["调出"], q2, invested="5", pct="25")
    make_report(projects["里程碑开工"], q3, invested=None, pct="0")
    make_report(projects["落后"], q1, invested="1", pct="1")
    session.commit()
    return projects, (q1, q2, q3, q4)


def _summary_by_adding(user, as_of) -> tuple:
    """The summary's total, added up project by project from live progress (what the grouping must give)."""
    plan = session.scalar(select(Project).limit(1)).plan
    stmt = filtered_projects(user, ProjectFilters(), plan)
    rows = session.execute(
        stmt.with_only_columns(*PROGRESS_INPUTS, Project.total_investment_wan, Project.span_investment_wan)
    ).all()
    progress = live_progress(rows, as_of, None, get_thresholds(), _build)
    total = SummaryRow("合计")
    for row in rows:
        total.add(row, progress[row.id])
    return _figures(total)


def _figures(row: SummaryRow) -> tuple:
    return (row.count, row.total_wan, row.span_wan, row.done_wan, row.rate_done_wan, dict(+row.levels))


def _assert_today_is_live(projects: list[Project], planner, officer) -> None:
    """Every fast path for today shows what live_progress computes for today."""
    session.commit()
    plan = projects[0].plan
    assert default_as_of(plan) == TODAY and anchor_period_id(plan.id, TODAY) is None
    live = live_progress(projects, TODAY, None, get_thresholds(), _build)
    fast = progress_for(projects, TODAY)
    assert fast == live
    assert all(progress_for(projects, TODAY)[p.id] is fast[p.id] for p in projects)  # remembered
    for user in (planner, officer):
        summary = get_summary(user, ProjectFilters())
        assert _figures(summary.total) == _summary_by_adding(user, TODAY)
        board = get_dashboard(user, BoardFilters.from_args({}))
        assert board.as_of == TODAY and _figures(board.total) == _summary_by_adding(user, TODAY)
        behind = sorted(
            (p for p in projects if (live[p.id].warning.behind_points or 0) > 0),
            key=lambda p: (-live[p.id].warning.behind_points, p.id),
        )
        assert [lag.project_id for lag in board.laggards] == [p.id for p in behind][:10]
        warned, count = list_warned_projects(user)
        levels = Counter(live[p.id].warning.level for p in projects)
        assert count == levels[Level.RED] + levels[Level.YELLOW]
        assert {(w.project_id, w.level, w.reason) for w in warned} == {
            (p.id, live[p.id].warning.level, live[p.id].warning.reason)
            for p in projects
            if live[p.id].warning.level in (Level.RED, Level.YELLOW)
        }
    red = {p.id for p in projects if live[p.id].warning.level == Level.RED}
    assert {c.project.id for c in list_red_candidates(planner)} == red


def test_today_in_an_open_period_shows_what_the_live_sums_show(app, users, today):
    planner, officer = users["planner"], users["officer"]
    named, (_q1, _q2, q3, _q4) = _world()
    projects = list(named.values())
    _assert_today_is_live(projects, planner, officer)
    before = progress_for(projects, today)
    assert before[named["本期已通过"].id].cumulative_invested_wan == Decimal("10.0000")

    def report_of(name: str) -> StatusReport:
        mine = select(StatusReport).where(StatusReport.project_id == named[name].id)
        return session.scalar(mine.order_by(StatusReport.id.desc()))

    # Approved today: a report of the quarter that ended counts today; one of the open quarter does not yet.
    for name in ("今日通过", "本期已通过"):
        approve_report(planner, report_of(name), report_of(name).version)
    _assert_today_is_live(projects, planner, officer)
    shown = progress_for(projects, today)
    assert shown[named["今日通过"].id].percent_complete == Decimal("45")
    assert shown[named["本期已通过"].id] == before[named["本期已通过"].id]

    return_report(planner, report_of("退回"), "数据有误", report_of("退回").version)
    _assert_today_is_live(projects, planner, officer)
    assert progress_for(projects, today)[named["退回"].id].warning.level == Level.UNREPORTED

    close_period(planner, q3)
    reopen_period(planner, q3, date(2023, 12, 31), today)
    late = make_report(named["从未填报"], q3, ReportStatus.SUBMITTED, invested="3", pct="2")
    approve_report(planner, late, late.version)
    _assert_today_is_live(projects, planner, officer)
    assert progress_for(projects, today)[named["从未填报"].id].last_period_code == "2023Q3"

    named["里程碑开工"].milestones.append(Milestone(kind=MilestoneKind.GROUNDBREAKING, actual_date=today))
    change_status(planner, named["调出"], LifecycleStatus.WITHDRAWN, today, "测试")
    _assert_today_is_live(projects, planner, officer)
    assert progress_for(projects, today)[named["调出"].id].warning.level == Level.INACTIVE

    save_thresholds(planner, Thresholds(Decimal(1), Decimal(5), 1))
    _assert_today_is_live(projects, planner, officer)
    assert progress_for(projects, today) != shown
