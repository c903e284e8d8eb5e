"""Project judgements of issue 18, each on a constructed project, with the class and the reason shown."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portfolio.db import session
from portfolio.evaluation.models import ProjectClass
from portfolio.evaluation.services import create_round
from portfolio.evaluation.snapshot import build_report
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind, Plan, StatusChange
from portfolio.projects.status_history import change_status
from portfolio.reporting.models import ReportStatus
from portfolio.reporting.services import approve_report
from tests.evaluation.fixtures import period, report
from tests.factories import make_project

MID_TERM = date(2023, 12, 31)


def _plan() -> Plan:
    return session.scalar(select(Plan).order_by(Plan.id))


def _row(users, project, as_of=MID_TERM, name="中期评估") -> dict:
    round_ = create_round(users["reviewer"], _plan(), name, as_of)
    data = build_report(round_)
    return next(r for r in data["projects"] if r["project_id"] == project.id), data


def test_7_a_status_approved_later_does_not_change_an_earlier_round(app, users):
    """Behind at the mid-term, reported 已竣工 in 2025Q1: the mid-term round still reads 在建, 滞后."""
    plan = _plan()
    p = make_project(
        name="后来竣工的项目",
        planned_start=date(2023, 1, 1),
        planned_end=date(2024, 12, 1),
        status=LifecycleStatus.UNDER_CONSTRUCTION,
    )
    report(p, period(plan, 2023, 4), "20", "100")
    late = report(p, period(plan, 2025, 1), "100", "900", status=ReportStatus.SUBMITTED)
    late.new_status = LifecycleStatus.COMPLETED
    approve_report(users["planner"], late, late.version)
    assert p.status == LifecycleStatus.COMPLETED
    change = session.scalar(select(StatusChange).where(StatusChange.project_id == p.id))
    assert (change.from_status, change.to_status) == (
        LifecycleStatus.UNDER_CONSTRUCTION,
        LifecycleStatus.COMPLETED,
    )
    assert change.effective_on == date(2025, 3, 31) and change.source == "进度报告 2025Q1"
    row, _ = _row(users, p)
    assert row["live_class"] == ProjectClass.LAGGING.value
    assert row["reason"] == "序时进度 50%，实际 20%，落后 30 个百分点（按计划工期折算约 7 个月）"
    final, _ = _row(users, p, date(2025, 12, 31), "终期评估")
    assert final["live_class"] == ProjectClass.COMPLETED.value


def test_7_withdrawn_and_cancelled_count_from_the_date_they_took_effect(app, users):
    gone = make_project(name="后来取消的项目", planned_start=date(2023, 1, 1), planned_end=date(2023, 12, 1))
    report(gone, period(_plan(), 2023, 4), "100", "50")
    change_status(users["planner"], gone, LifecycleStatus.CANCELLED, date(2024, 6, 30), "项目编辑")
    row, _ = _row(users, gone)
    assert row["live_class"] == ProjectClass.COMPLETED.value
    later, _ = _row(users, gone, date(2024, 12, 31), "2024 年评估")
    assert later["live_class"] == ProjectClass.CANCELLED.value
    assert later["reason"] == "截至评估截止日项目状态为取消，单独列示，不计入完成率"


def test_8_an_overdue_project_says_how_long_past_its_planned_end(app, users):
    """Like #4: planned 2019-04 to 2021-10, 63 % done in 2025Q1: 41 months past the end, not "约 6 个月"."""
    plan = _plan()
    p = make_project(name="超期项目", planned_start=date(2019, 4, 1), planned_end=date(2021, 10, 1))
    report(p, period(plan, 2025, 1), "63", "1723")
    row, _ = _row(users, p, date(2025, 3, 31), "2025 年一季度评估")
    assert row["live_class"] == ProjectClass.LAGGING.value and row["behind_months"] == 41
    assert row["reason"] == "计划 2021年10月 完工，截至 2025-03-31 已超过计划完工 41 个月，实际完成 63%"


def test_9_no_evidence_is_not_on_schedule(app, users):
    """Groundbreaking done, no approved report: 需人工研判; by the schedule it should be ~55 % along."""
    p = make_project(name="无报告项目", planned_start=date(2023, 2, 1), planned_end=date(2024, 9, 1))
    p.milestones.append(
        Milestone(
            kind=MilestoneKind.GROUNDBREAKING, planned_date=date(2023, 2, 1), actual_date=date(2023, 3, 1)
        )
    )
    session.flush()
    row, _ = _row(users, p)
    assert row["live_class"] == ProjectClass.MANUAL.value
    assert (
        row["reason"]
        == "已开工，但截至评估截止日没有审核通过的进度报告，无法判断进度，按计划此时应完成约 55%"
    )


def test_10_withdrawn_and_cancelled_investment_is_a_separate_line_out_of_the_rates(app, users):
    plan = _plan()
    q4 = period(plan, 2023, 4)
    kept = make_project(
        name="在建",
        span_investment_wan=Decimal(1000),
        planned_start=date(2023, 1, 1),
        planned_end=date(2024, 12, 1),
    )
    gone = make_project(name="调出", span_investment_wan=Decimal(14267), status=LifecycleStatus.WITHDRAWN)
    report(kept, q4, "50", "400")
    report(gone, q4, "10", "300")
    _, data = _row(users, kept)
    groups = {g["name"]: g for g in data["by_category"]}
    total, apart = groups["合计"], groups["调出、取消项目（单列，不计入合计和完成率）"]
    assert (total["span_investment_wan"], total["cumulative_invested_wan"]) == ("1000.0000", "400.0000")
    assert total["completion_pct"] == "40.0"
    assert (apart["projects"], apart["span_investment_wan"], apart["completion_pct"]) == (
        1,
        "14267.0000",
        None,
    )
