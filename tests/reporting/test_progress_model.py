"""The maintained progress read model agrees with a rebuild from the reports, and with the live sums."""

import importlib.util
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, insert, select

from portfolio.config import ROOT
from portfolio.db import session
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind
from portfolio.reporting.models import ProgressRow, ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.progress import _build, get_thresholds, progress_for, save_thresholds
from portfolio.reporting.progress_live import live_progress
from portfolio.reporting.progress_model import count_stale_rows, refresh_progress
from portfolio.reporting.services import approve_report, return_report
from portfolio.reporting.warnings import Level, Thresholds
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
