"""The summary grouped in SQL over the read model gives the figures the Python grouping gives."""

from datetime import date
from decimal import Decimal

from portfolio.projects.models import LifecycleStatus
from portfolio.projects.queries import ProjectFilters, filtered_projects
from portfolio.projects.summary import Summary, SummaryRow, get_summary, group_in_sql
from portfolio.reporting.models import ReportStatus
from portfolio.reporting.progress import anchor_period_id, default_as_of
from tests.factories import make_period, make_project, make_report


def _rows(summary_rows: list[SummaryRow]) -> list[tuple]:
    return [
        (
            r.label,
            r.count,
            r.total_wan,
            r.span_wan,
            r.done_wan,
            r.rate_span_wan,
            r.rate_done_wan,
            dict(+r.levels),
        )
        for r in summary_rows
    ]


def _both_ways(user, filters: ProjectFilters):
    summary: Summary = get_summary(user, filters)
    anchor = anchor_period_id(summary.plan.id, summary.as_of)
    assert anchor is not None  # the picture date is a period end, so SQL did the grouping above
    stmt = filtered_projects(user, filters, summary.plan)
    tables = []
    for group in (
        lambda *a: group_in_sql(stmt, anchor, *a),
        lambda *a: group_in_sql(stmt, None, *a, as_of=summary.as_of),
    ):
        total = SummaryRow("合计")
        categories = {r.key: SummaryRow(r.label, r.key) for r in summary.by_category}
        counties = {r.key: SummaryRow(r.label, r.key) for r in summary.by_county}
        group(total, categories, counties)
        tables.append(_rows([total, *categories.values(), *counties.values()]))
    assert tables[0] == tables[1]
    assert _rows([summary.total]) == tables[0][:1]
    return summary


def test_sql_grouping_matches_python_grouping(app, users):
    dated = {"planned_start": date(2023, 1, 1), "planned_end": date(2025, 12, 1)}
    odd = make_project(
        counties=["温县", "孟州市"],
        total_investment_wan=Decimal("1234.5678"),
        span_investment_wan=Decimal("1000.0001"),
        **dated,
    )
    done = make_project(status=LifecycleStatus.COMPLETED, total_investment_wan=Decimal("0.0001"), **dated)
    gone = make_project(status=LifecycleStatus.WITHDRAWN, **dated)
    never = make_project(**dated)
    stopped = make_project(status=LifecycleStatus.CANCELLED)
    plan = odd.plan
    periods = [make_period(plan, f"{plan.end_year}Q{q}") for q in (1, 2, 3, 4)]
    make_report(odd, periods[0], invested="10.0001", pct="5")
    make_report(odd, periods[1], invested="20.3333", pct="50")
    make_report(gone, periods[0], invested="1", pct="1")
    make_report(never, periods[2], ReportStatus.SUBMITTED, invested="9", pct="9")
    assert done and stopped
    summary = _both_ways(users["planner"], ProjectFilters())
    assert summary.as_of == default_as_of(plan) == periods[-1].ends_on
    assert summary.total.done_wan == Decimal("31.3334")
    _both_ways(users["officer"], ProjectFilters())
    _both_ways(users["planner"], ProjectFilters(status=LifecycleStatus.COMPLETED))
