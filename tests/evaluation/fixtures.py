"""A hand-computed portfolio for the evaluation tests: 14 projects whose classes as of the mid-term
(end of the plan's third year) are worked out by hand in EXPECTED below."""

from datetime import date
from decimal import Decimal

from portfolio.db import session
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind, Plan
from portfolio.reporting.models import PeriodKind, ReportingPeriod, ReportStatus, StatusReport
from tests.factories import make_project

A = ReportStatus.APPROVED


def period(plan: Plan, year: int, quarter: int) -> ReportingPeriod:
    starts = date(year, quarter * 3 - 2, 1)
    ends = date(year + (quarter == 4), quarter * 3 % 12 + 1, 1)
    ends = date.fromordinal(ends.toordinal() - 1)
    found = ReportingPeriod(
        plan_id=plan.id,
        code=f"{year}Q{quarter}",
        kind=PeriodKind.QUARTER,
        year=year,
        number=quarter,
        starts_on=starts,
        ends_on=ends,
        deadline=ends,
    )
    session.add(found)
    session.flush()
    return found


def report(project, period_, pct, invested="0", status=A, problems=None) -> StatusReport:
    found = StatusReport(
        project=project,
        period=period_,
        status=status,
        percent_complete=Decimal(pct),
        invested_wan=Decimal(invested),
        progress_text="形象进度",
        problems=problems,
    )
    session.add(found)
    session.flush()
    return found


def _p(name, start, end, **kw):
    return make_project(name=name, planned_start=start, planned_end=end, **kw)


def build_portfolio(plan: Plan) -> dict:
    """The projects, named by letter; as of the mid-term date each falls in the class noted beside it."""
    y = plan.start_year  # 2021 for the 14th plan: every date below is relative to the plan
    q4_2, q2_3, q4_3, q1_4 = (
        period(plan, y + 1, 4),
        period(plan, y + 2, 2),
        period(plan, y + 2, 4),
        period(plan, y + 3, 1),
    )
    d = lambda year, month, day=1: date(y + year, month, day)  # noqa: E731
    p = {}
    # A: 100 % in mid-year 3, planned to finish at the end of year 4 → completed early (18 months).
    p["A"] = _p("甲", d(1, 1), d(3, 12), span_investment_wan=Decimal("1000"))
    report(p["A"], q4_2, "40", "300")
    report(p["A"], q2_3, "100", "700")
    # B: 100 % in the very month it was planned to finish → completed.
    p["B"] = _p("乙", d(0, 3), d(2, 6), counties=["孟州市"])
    report(p["B"], q2_3, "100", "500")
    # C: an acceptance milestone done in month 11 of year 3, planned to finish that month → completed.
    p["C"] = _p("丙", d(0, 1), d(2, 11))
    p["C"].milestones.append(
        Milestone(kind=MilestoneKind.ACCEPTANCE, planned_date=d(2, 11), actual_date=d(2, 11, 15))
    )
    # D: 48 planned months, 24 elapsed → 50 % expected; 45 % approved → 5 points behind → on schedule.
    p["D"] = _p("丁", d(1, 1), d(4, 12))
    report(p["D"], q4_3, "45", "450")
    # E: 20 % of an expected 50 % → 30 points behind (yellow) → lagging, about 14 months.
    p["E"] = _p("戊", d(1, 1), d(4, 12), counties=["温县", "孟州市"])
    report(p["E"], q4_3, "20", "200", problems="征地拆迁未完成")
    # F: approved 10 %; the 60 % report is only submitted and does not count → 40 behind → lagging.
    p["F"] = _p("己", d(1, 1), d(4, 12))
    report(p["F"], q2_3, "10", "100")
    report(p["F"], q4_3, "60", "600", status=ReportStatus.SUBMITTED)
    # G: planned to start in March of year 3, nothing reported → not started, 9 months late.
    p["G"] = _p("庚", d(2, 3), d(4, 12))
    # H: planned to start after the mid-term date → not started (not yet due).
    p["H"] = _p("辛", d(3, 6), d(4, 12))
    # I, J: withdrawn and cancelled.
    p["I"] = _p("壬", d(1, 1), d(4, 12), status=LifecycleStatus.WITHDRAWN)
    p["J"] = _p("癸", d(1, 1), d(4, 12), status=LifecycleStatus.CANCELLED)
    # K: 95 % (only 5 behind) but six months past its planned completion → lagging.
    p["K"] = _p("子", d(0, 1), d(2, 6))
    report(p["K"], q4_3, "95", "950")
    # L: exactly on the pro-rata line, but its main-works milestone is overdue → lagging.
    p["L"] = _p("丑", d(1, 1), d(4, 12))
    report(p["L"], q4_3, "50", "500")
    p["L"].milestones.append(
        Milestone(kind=MilestoneKind.MAIN_WORKS, title="主体工程完工", planned_date=d(2, 9, 30))
    )
    # M: its first approved report comes after the mid-term date → not started as of then.
    p["M"] = _p("寅", d(1, 1), d(4, 12))
    report(p["M"], q1_4, "30", "300")
    # N: 60 % of an expected 50 % → on schedule; its later 100 % does not count yet.
    p["N"] = _p("卯", d(1, 1), d(4, 12))
    report(p["N"], q4_3, "60", "600")
    report(p["N"], q1_4, "100", "400")
    session.flush()
    return p


EXPECTED = {
    "A": "completed_early",
    "B": "completed",
    "C": "completed",
    "D": "on_schedule",
    "E": "lagging",
    "F": "lagging",
    "G": "not_started",
    "H": "not_started",
    "I": "withdrawn",
    "J": "cancelled",
    "K": "lagging",
    "L": "lagging",
    "M": "not_started",
    "N": "on_schedule",
}
# Approved investment in periods ending on or before the mid-term date, by project letter.
INVESTED_BY_MID_TERM = {"A": 1000, "B": 500, "D": 450, "E": 200, "F": 100, "K": 950, "L": 500, "N": 600}
