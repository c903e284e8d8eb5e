"""The maintained progress read model agrees with a rebuild from the reports, and with the live sums."""

import importlib.util
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, insert, select

from portfolio.annex.services import import_annex
from portfolio.config import ROOT
from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind, Project
from portfolio.reporting.models import ProgressRow, ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.periods import close_period, reopen_period
from portfolio.reporting.progress import _build, get_thresholds, progress_for, save_thresholds
from portfolio.reporting.progress_live import live_progress
from portfolio.reporting.progress_model import count_stale_rows, refresh_progress
from portfolio.reporting.services import approve_report, return_report
from portfolio.reporting.warnings import Level, Thresholds
from tests.annex.helpers import plan as annex_plan
from tests.annex.test_reimport import NOTE
from tests.annex.workbooks import Layout, annex_rows, build
from tests.factories import make_period, make_project, make_report


def _assert_in_step(projects) -> int:
    """The maintained rows equal a rebuild, and at every period end the model answers as the live sums do."""
    assert count_stale_rows() == 0
    periods = session.scalars(select(ReportingPeriod).order_by(ReportingPeriod.ends_on)).all()
    thresholds = get_thresholds()
    compared = 0
    for as_of in {p.ends_on for p in periods}:
        for within in (None, *periods):
            model = progress_for(projects, as_of, within)
            live = live_progress(projects, as_of, within.id if within else None, thresholds, _build)
            assert model == live, (as_of, within and within.code)
            compared += len(model)
    return compared


def _world():
    on_plan = make_project(
        name="按期项目",
        planned_start=date(2023, 1, 1),
        planned_end=date(2024, 12, 1),
        annual={2023: Decimal("400")},
    )
    undated = make_project(name="无计划时间项目")
    late = make_project(name="迟迟未开工项目", planned_start=date(2022, 1, 1), planned_end=date(2023, 12, 1))
    idle = make_project(name="从未填报项目", planned_start=date(2023, 1, 1), planned_end=date(2023, 12, 1))
    plan = on_plan.plan
    q1, march, q2, q3 = (make_period(plan, code) for code in ("2023Q1", "2023-03", "2023Q2", "2023Q3"))
    make_report(on_plan, q1, invested="100", pct="10")
    make_report(on_plan, march, invested="5.5", pct="12")  # a month ending with the quarter
    make_report(undated, q2, invested=None, pct="40")
    make_report(late, q1, ReportStatus.SUBMITTED, invested="3", pct="0")
    make_report(late, q2, ReportStatus.SUBMITTED, invested="7", pct="0")
    return [on_plan, undated, late, idle], (q1, q2, q3)


def test_every_change_keeps_the_read_model_in_step(app, users):
    planner = users["planner"]
    projects, (q1, q2, q3) = _world()
    on_plan, undated, late, _idle = projects
    compared = _assert_in_step(projects)
    assert compared > 0 and session.scalar(select(func.count()).select_from(ProgressRow)) > 0

    first, second = session.scalars(
        select(StatusReport).where(StatusReport.project_id == late.id).order_by(StatusReport.id)
    )
    approve_report(planner, first, first.version)
    assert progress_for([late], q1.ends_on)[late.id].warning.level == Level.RED  # never started
    return_report(planner, second, "数据有误", second.version)
    _assert_in_step(projects)

    on_plan.status = LifecycleStatus.COMPLETED
    undated.planned_start, undated.planned_end = date(2023, 3, 1), date(2023, 6, 1)
    session.flush()
    assert progress_for([on_plan], q2.ends_on)[on_plan.id].warning.level == Level.GREEN
    _assert_in_step(projects)

    late.milestones.append(Milestone(kind=MilestoneKind.GROUNDBREAKING, actual_date=date(2023, 2, 1)))
    session.flush()
    assert "未开工" not in progress_for([late], q1.ends_on)[late.id].warning.reason  # started: its milestone
    _assert_in_step(projects)

    save_thresholds(planner, Thresholds(Decimal(1), Decimal(2), 1))
    q4 = make_period(on_plan.plan, "2023Q4")
    _assert_in_step(projects)
    assert progress_for([undated], q4.ends_on)[undated.id].warning.level == Level.RED

    report = session.scalar(select(StatusReport).where(StatusReport.project_id == undated.id))
    report.invested_wan = Decimal("8")
    session.flush()
    assert progress_for([undated], q3.ends_on)[undated.id].cumulative_invested_wan == Decimal("8")
    session.delete(report)
    session.flush()
    assert progress_for([undated], q3.ends_on)[undated.id].warning.level == Level.UNREPORTED
    session.commit()
    _assert_in_step(projects)


def test_a_rolled_back_change_leaves_the_model_as_it_was(app, users):
    projects, (q1, *_) = _world()
    session.commit()
    before = progress_for(projects, q1.ends_on)
    report = session.scalar(select(StatusReport).where(StatusReport.status == ReportStatus.SUBMITTED))
    approve_report(users["planner"], report, report.version)
    session.rollback()
    assert progress_for(projects, q1.ends_on) == before
    _assert_in_step(projects)


def test_bulk_writes_are_caught_up_by_refresh_and_the_cli(app, runner):
    projects, (q1, _q2, _q3) = _world()
    idle = projects[3]
    session.execute(
        insert(StatusReport),
        [{"project_id": idle.id, "period_id": q1.id, "status": ReportStatus.APPROVED, "version": 1}],
    )
    assert count_stale_rows() == 1 * 4  # one row for each period ending with or after Q1
    refresh_progress([idle.id])
    assert count_stale_rows() == 0
    session.execute(delete(ProgressRow))
    session.commit()
    result = runner.invoke(args=["rebuild-progress"])
    assert result.exit_code == 0 and "进度汇总表已重建" in result.output
    _assert_in_step(projects)


def test_the_data_migration_fills_the_rows_the_app_would(app):
    _projects, _ = _world()
    save_thresholds(None, Thresholds(Decimal(5), Decimal(20), 2))
    session.commit()
    maintained = session.execute(select(ProgressRow.__table__).order_by("project_id", "period_id")).all()
    session.execute(delete(ProgressRow))
    path = ROOT / "migrations" / "versions" / "1502_fill_progress_rows.py"
    spec = importlib.util.spec_from_file_location("fill_progress_rows", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    migration.op = _Op(session.connection())
    migration.upgrade()
    filled = session.execute(select(ProgressRow.__table__).order_by("project_id", "period_id")).all()
    assert filled == maintained and len(filled) > 0


class _Op:
    """The one part of alembic.op the data migration uses."""

    def __init__(self, conn):
        self.conn = conn

    def get_bind(self):
        return self.conn


def test_re_dating_a_period_reopening_it_and_deleting_keep_the_model_in_step(app, users):
    planner = users["planner"]
    projects, (q1, q2, _q3) = _world()
    on_plan, undated, late, idle = projects
    report = session.scalar(select(StatusReport).where(StatusReport.project_id == late.id).limit(1))
    approve_report(planner, report, report.version)
    session.commit()

    q2.starts_on, q2.ends_on = date(2023, 4, 1), date(2023, 7, 15)  # re-dated: no longer a quarter end
    session.flush()
    _assert_in_step(projects)

    close_period(planner, q1)
    reopen_period(planner, q1, date(2099, 1, 1))
    extra = make_report(idle, q1, ReportStatus.SUBMITTED, invested="9", pct="5")
    approve_report(planner, extra, extra.version)
    _assert_in_step(projects)

    session.delete(session.scalar(select(StatusReport).where(StatusReport.project_id == on_plan.id).limit(1)))
    session.flush()
    _assert_in_step(projects)
    for report in session.scalars(select(StatusReport).where(StatusReport.project_id == late.id)):
        session.delete(report)
    session.delete(late)
    session.commit()
    assert session.scalar(select(func.count()).where(ProgressRow.project_id == late.id)) == 0
    _assert_in_step([on_plan, undated, idle])


def _expected(project: Project, period: ReportingPeriod):
    return session.scalar(
        select(ProgressRow.expected_pct).where(
            ProgressRow.project_id == project.id, ProgressRow.period_id == period.id
        )
    )


def test_an_annex_re_import_keeps_the_model_in_step(app):
    """A re-import re-dates one reported project and withdraws another: the maintained rows equal a rebuild,
    and the live sums agree with them. The import's 调出 is dated today: a past period keeps the status in
    force at its end (the project was then under construction, and is coloured so), while today shows it
    withdrawn — at any date the live sums use the status of that date, as the model does at a period end."""
    rows = annex_rows()
    import_annex(None, build(Layout(), rows), "v1.xlsx", annex_plan())
    session.commit()
    projects = [r for r in rows if r.kind == "project"]
    reported = [session.scalar(select(Project).where(Project.name == r.values["name"])) for r in projects[:2]]
    period = make_period(reported[0].plan, "2023Q1")
    for project in reported:
        make_report(project, period, invested="100", pct="30")
    session.commit()
    assert count_stale_rows() == 0 and session.scalar(select(func.count()).select_from(ProgressRow)) > 0

    before = _expected(reported[0], period)
    projects[0].values.update(total=60000, start="2021年1月", end="2023年6月")
    rows.remove(projects[1])  # 调出: withdrawn, so no longer warned about
    report = import_annex(None, build(Layout(), rows), "v2.xlsx", annex_plan(), note=NOTE)
    session.flush()
    assert report.ok and report.counts["withdrawn"] == 1
    assert reported[1].status == LifecycleStatus.WITHDRAWN
    assert _expected(reported[0], period) != before  # re-dated by the import
    assert count_stale_rows() == 0
    _assert_in_step(reported)
    gone = reported[1].id
    assert progress_for(reported, period.ends_on)[gone].warning.level != Level.INACTIVE
    assert progress_for(reported, period.ends_on + timedelta(days=1))[gone].warning.level != Level.INACTIVE
    assert progress_for(reported, local_today())[gone].warning.level == Level.INACTIVE
