"""The 口径说明 page and the notes under tables, read through the Flask client."""

from datetime import date
from decimal import Decimal

from portfolio.db import session
from portfolio.definitions import list_definitions
from portfolio.reporting.models import ReportStatus
from tests.factories import make_period, make_project, make_report


def test_the_definitions_page_lists_every_definition_for_every_role(app, users, role_client):
    for role in ("admin", "planner", "officer", "reviewer"):
        html = role_client(role).get("/definitions").get_data(as_text=True)
        for d in list_definitions():
            assert f'<dt id="{d.key}">{d.name}</dt><dd>{d.rule}</dd>' in html
        assert "落后天数" in html and "不封顶" in html


def test_summary_names_the_denominator_and_leaves_withdrawn_projects_out_of_the_rate(app, users, role_client):
    from portfolio.projects.models import LifecycleStatus

    kept = make_project(name="在建项目", span_investment_wan=Decimal(1000))
    gone = make_project(name="调出项目", span_investment_wan=Decimal(3000), status=LifecycleStatus.WITHDRAWN)
    period = make_period(kept.plan, "2023Q4")
    make_report(kept, period, ReportStatus.APPROVED, invested="250", pct="30")
    make_report(gone, period, ReportStatus.APPROVED, invested="100", pct="5")
    session.commit()
    html = role_client("planner").get(f"/summary?plan={kept.plan_id}").get_data(as_text=True)
    assert "规划期投资完成率<br><small>（÷“十四五”投资）</small>" in html
    assert "25.0%" in html  # 250 ÷ 1000, not 350 ÷ 4000
    assert 'data-definition="span_completion_rate"' in html and "分母是规划期投资，不是总投资" in html


def test_project_page_explains_its_figures(app, users, role_client):
    project = make_project(planned_start=date(2023, 1, 1), planned_end=date(2023, 12, 1))
    session.commit()
    html = role_client("planner").get(f"/projects/{project.id}").get_data(as_text=True)
    for key in ("cumulative_since_start", "expected_pct", "days_behind", "started", "counted_reports"):
        assert f'data-definition="{key}"' in html
    assert "无已通过报告" in html


def test_where_colours_are_set_and_shown_the_rule_is_the_definition(app, users, role_client):
    """The thresholds page and the period page state 序时进度 and the colour rule from the definitions."""
    from portfolio.definitions import get_definition

    project = make_project(planned_start=date(2023, 1, 1), planned_end=date(2023, 12, 1))
    period = make_period(project.plan, "2023Q4")
    session.commit()
    planner = role_client("planner")
    thresholds = planner.get("/reporting/thresholds").get_data(as_text=True)
    assert "计划工期中已过去的月份占比" not in thresholds
    assert get_definition("expected_pct").rule in thresholds
    for key in ("expected_pct", "behind_points", "warning_level", "started"):
        assert f'data-definition="{key}"' in thresholds
    page = planner.get(f"/reporting/periods/{period.id}").get_data(as_text=True)
    for key in ("report_state", "counted_reports", "expected_pct", "warning_level"):
        assert f'data-definition="{key}"' in page
    assert get_definition("warning_level").rule in page


def test_the_home_pages_explain_their_warning_lists(app, users, role_client):
    for role in ("planner", "officer"):
        html = role_client(role).get("/home").get_data(as_text=True)
        for key in ("warning_level", "expected_pct", "behind_points", "started"):
            assert f'data-definition="{key}"' in html, role


def test_the_report_form_and_review_page_name_the_tracked_total_and_explain_it(app, users, role_client):
    """Their running total adds the tracker's approved reports only: it is 系统内累计, not 开工以来累计."""
    project = make_project(planned_start=date(2023, 1, 1), planned_end=date(2023, 12, 1), counties=["温县"])
    period = make_period(project.plan, "2023Q4")
    report = make_report(project, period, ReportStatus.SUBMITTED, invested="10", pct="20")
    session.commit()
    review = role_client("planner").get(f"/reporting/reports/{report.id}").get_data(as_text=True)
    assert "<th>系统内累计</th>" in review and "自开工累计" not in review
    assert 'data-definition="tracked_invested"' in review


def test_funding_and_adjustment_tables_explain_their_figures(app, users, role_client):
    project = make_project(name="资金项目")
    session.commit()
    planner = role_client("planner")
    summary = planner.get(f"/summary?plan={project.plan_id}").get_data(as_text=True)
    detail = planner.get(f"/projects/{project.id}").get_data(as_text=True)
    dashboard = planner.get("/dashboard").get_data(as_text=True)
    for html in (summary, detail, dashboard):
        assert 'data-definition="planned_funding"' in html and 'data-definition="funds_received"' in html
    assert 'data-definition="funding_rate"' in summary and 'data-definition="funding_rate"' in dashboard
