"""The adjustments page at portfolio scale: the changed projects are paged (the plan kept in the links),
a page past the end says so in Chinese, a bad page value is the first page, and the statements the page
runs do not grow with the projects."""

import re
from decimal import Decimal

from sqlalchemy import update

from portfolio import data_version
from portfolio.adjustments.queries import Totals, get_adjustment_report
from portfolio.adjustments.services import freeze_baseline
from portfolio.adjustments.snapshot import snapshot_plan
from portfolio.adjustments.views import ROWS_PER_PAGE
from portfolio.db import session
from portfolio.projects.models import LifecycleStatus, Plan, Project
from tests.factories import bulk_projects
from tests.querycount import statements_for


def _adjusted_plan(projects: int) -> Plan:
    """A plan of bulk projects frozen as its baseline, then every project's total investment raised."""
    plan = session.query(Plan).order_by(Plan.id).first()
    bulk_projects(projects, plan)
    freeze_baseline(None, plan, snapshot_plan(plan.id))
    session.execute(
        update(Project).where(Project.plan_id == plan.id).values(total_investment_wan=Decimal("2000"))
    )
    session.commit()
    return plan


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-project-id="(\d+)"', html)


def test_changed_projects_are_paged(role_client, app):
    plan = _adjusted_plan(ROWS_PER_PAGE + 7)
    planner = role_client("planner")
    first = planner.get(f"/adjustments?plan={plan.id}").get_data(as_text=True)
    assert len(_rows(first)) == ROWS_PER_PAGE
    assert f"共 {ROWS_PER_PAGE + 7} 个调整项目，第 1/2 页" in first
    assert f'href="/adjustments?page=2&amp;plan={plan.id}"' in first
    assert 'data-figure="changed">57<' in first  # the counts are of every changed project, not the page's
    second = planner.get(f"/adjustments?plan={plan.id}&page=2").get_data(as_text=True)
    assert len(_rows(second)) == 7 and not set(_rows(second)) & set(_rows(first))
    beyond = planner.get(f"/adjustments?plan={plan.id}&page=999").get_data(as_text=True)
    assert _rows(beyond) == _rows(second) and "没有第 999 页（共 2 页），已显示最后一页。" in beyond
    for bad in ("0", "-1", "abc", "１"):
        response = planner.get(f"/adjustments?plan={plan.id}&page={bad}")
        assert response.status_code == 200 and _rows(response.get_data(as_text=True)) == _rows(first)


def test_statements_do_not_grow_with_projects(role_client, app):
    plan = _adjusted_plan(30)
    planner = role_client("planner")
    data_version.forget()  # compute afresh each time: the count must hold without the memo too
    small = statements_for(planner, f"/adjustments?plan={plan.id}")
    bulk_projects(300, plan)
    session.commit()
    data_version.forget()
    assert statements_for(planner, f"/adjustments?plan={plan.id}") == small


def test_without_a_baseline_the_current_totals_still_add_up(role_client, app):
    plan = session.query(Plan).order_by(Plan.id).first()
    bulk_projects(12, plan)
    session.execute(update(Project).where(Project.seq_no == 3).values(status=LifecycleStatus.WITHDRAWN))
    session.commit()
    assert "尚未建立基线" in role_client("planner").get("/adjustments").get_data(as_text=True)
    report = get_adjustment_report(plan)  # the sheet's total line: members only, exact
    assert report.current_totals == Totals(11, Decimal("11005.5"), Decimal("9900"))
    assert report.baseline_totals == Totals() and report.rows == []
