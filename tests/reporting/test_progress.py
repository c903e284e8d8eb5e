from datetime import date
from decimal import Decimal

from portfolio.projects.models import LifecycleStatus
from portfolio.reporting.models import ReportStatus
from portfolio.reporting.progress import get_thresholds, progress_for, save_thresholds
from portfolio.reporting.warnings import Level, Thresholds
from tests.factories import make_period, make_project, make_report


def _period(plan, year, quarter):
    return make_period(plan, f"{year}Q{quarter}")


def _report(project, period, status, invested, pct, text="进展"):
    return make_report(project, period, status, invested, pct, progress_text=text)


def test_only_approved_reports_count_and_figures_derive(app):
    p = make_project(
        annual={2023: Decimal("400")},
        planned_start=date(2023, 1, 1),
        planned_end=date(2024, 12, 1),
    )
    idle = make_project(planned_start=date(2023, 1, 1), planned_end=date(2024, 12, 1))
    q1, q2, q3, q4 = (_period(p.plan, 2023, q) for q in (1, 2, 3, 4))
    q4_2022 = _period(p.plan, 2022, 4)
    _report(p, q4_2022, ReportStatus.APPROVED, "50", "5")
    _report(p, q1, ReportStatus.APPROVED, "100", "10")
    _report(p, q2, ReportStatus.APPROVED, "60.5", "30", "主体施工")
    _report(p, q3, ReportStatus.SUBMITTED, "999", "90")  # not approved: ignored
    result = progress_for([p, idle], q3.ends_on, q3)
    mine = result[p.id]
    assert mine.cumulative_invested_wan == Decimal("210.5000")
    assert mine.year_invested_wan == Decimal("160.5000")
    assert mine.percent_complete == Decimal("30")
    assert mine.progress_text == "主体施工" and mine.last_period_code == "2023Q2"
    assert mine.period_invested_wan is None and not mine.reported_in_period
    assert mine.annual_plan_wan == Decimal("400.0000")
    assert mine.completion_rate == Decimal("40.1")
    # 2023-09: 9 of 24 planned months elapsed → 37.5 % expected, 30 % reported: 7.5 points behind.
    assert mine.warning.level == Level.GREEN and mine.warning.expected_pct == Decimal("37.5")
    assert result[idle.id].warning.level == Level.UNREPORTED
    assert result[idle.id].cumulative_invested_wan == 0
    in_q2 = progress_for([p], q2.ends_on, q2)[p.id]
    assert in_q2.reported_in_period and in_q2.period_invested_wan == Decimal("60.5000")
    assert q4.id  # a later period with no report changes nothing above


def test_thresholds_are_stored_and_audited(app, users):
    p = make_project(planned_start=date(2023, 1, 1), planned_end=date(2024, 12, 1))
    period = _period(p.plan, 2023, 4)
    _report(p, period, ReportStatus.APPROVED, "10", "44")
    assert progress_for([p], period.ends_on)[p.id].warning.level == Level.GREEN
    save_thresholds(users["planner"], Thresholds(Decimal(5), Decimal(15), 1))
    assert get_thresholds().yellow_points == Decimal(5)
    assert progress_for([p], period.ends_on)[p.id].warning.level == Level.YELLOW


def test_withdrawn_projects_are_inactive(app):
    p = make_project(status=LifecycleStatus.WITHDRAWN, planned_start=date(2023, 1, 1))
    assert progress_for([p], date(2023, 12, 31))[p.id].warning.level == Level.INACTIVE
    assert progress_for([], date(2023, 12, 31)) == {}
