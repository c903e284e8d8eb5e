"""Test data for the export tests: a small portfolio across two counties with periods and reports."""

from datetime import date
from decimal import Decimal

from portfolio.reporting.models import ReportStatus
from tests.factories import make_period, make_project, make_report


def portfolio(year: int = 2023):
    """Five projects over two categories and two counties; approved, submitted and missing reports."""
    started, ends = date(year, 1, 1), date(year + 1, 12, 1)
    a = make_project(
        name="温县污水处理厂提标改造",
        category=4,
        annual={year: Decimal("400")},
        planned_start=started,
        planned_end=ends,
        total_investment_wan=Decimal("2500.5"),
    )
    b = make_project(
        name="温县光伏发电项目",
        category=1,
        annual={year: Decimal("300")},
        planned_start=started,
        planned_end=ends,
    )
    c = make_project(
        name="孟州市VOCs治理",
        category=3,
        counties=["孟州市"],
        annual={year: Decimal("200")},
        planned_start=started,
        planned_end=ends,
        total_investment_wan=Decimal("800"),
    )
    d = make_project(
        name="孟州市清洁取暖",
        category=1,
        counties=["孟州市"],
        annual={year: Decimal("50")},
        planned_start=started,
        planned_end=ends,
    )
    e = make_project(
        name="两县联建生态廊道",
        category=4,
        counties=["温县", "孟州市"],
        annual={year: Decimal("120")},
        planned_start=started,
        planned_end=ends,
    )
    q3 = make_period(a.plan, f"{year}Q3")
    q4 = make_period(a.plan, f"{year}Q4")
    make_report(a, q3, invested="100", pct="30")
    make_report(a, q4, invested="150.25", pct="50", problems="征地手续未完成", next_steps="加快施工")
    make_report(b, q4, invested="20", pct="10")  # far behind: red
    make_report(c, q4, invested="80", pct="35")  # somewhat behind: yellow
    make_report(d, q4, ReportStatus.SUBMITTED, invested="999", pct="90")  # not approved: ignored
    make_report(e, q3, invested="60", pct="40")  # reported before, not in Q4
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "q3": q3, "q4": q4}
