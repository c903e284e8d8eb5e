"""Funds received by source (本期到位资金) on reports; year and cumulative figures count approved reports."""

from decimal import Decimal

from sqlalchemy import select

from portfolio.db import session
from portfolio.funding.models import ProjectFunding, ReportFunding
from portfolio.projects.models import Plan
from portfolio.reporting.models import ReportStatus
from tests.factories import make_period, make_project, make_report
from tests.funding.helpers import amounts_form, sources


def _plan() -> Plan:
    return session.scalar(select(Plan).order_by(Plan.id))


def test_officer_records_funds_received_on_a_draft_and_the_totals_wait_for_approval(role_client):
    plan = _plan()
    project = make_project(name="温县供水工程")
    session.add(
        ProjectFunding(project_id=project.id, source_id=sources()["银行贷款"].id, amount_wan=Decimal(900))
    )
    earlier = make_report(project, make_period(plan, f"{plan.start_year}Q1"))
    session.add(
        ReportFunding(report_id=earlier.id, source_id=sources()["银行贷款"].id, amount_wan=Decimal(200))
    )
    draft = make_report(project, make_period(plan, f"{plan.start_year}Q2"), status=ReportStatus.DRAFT)
    session.commit()
    officer = role_client("officer")
    body = amounts_form({"银行贷款": "150", "专项债": "", "地方政府专项债券": "50"})
    response = officer.post(f"/reporting/reports/{draft.id}/funding", data=body, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "已保存本期到位资金" in text
    # this period's figure shows; the cumulative counts the approved Q1 only
    assert '<td>银行贷款</td><td class="num">150</td><td class="num">200</td>' in text
    summary = role_client("planner").get(f"/summary?plan={plan.id}").get_data(as_text=True)
    assert '<td>银行贷款</td><td class="num">1</td><td class="num">900</td>' in summary
    draft.status = ReportStatus.APPROVED
    session.commit()
    summary = role_client("planner").get(f"/summary?plan={plan.id}").get_data(as_text=True)
    assert '<td class="num">900</td>\n        <td class="num">350</td>' in summary
    detail = officer.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<td class="num">350</td></tr>' in detail


def test_approved_reports_cannot_change_their_funds(role_client):
    plan = _plan()
    project = make_project()
    report = make_report(project, make_period(plan, f"{plan.start_year}Q1"))
    session.commit()
    response = role_client("planner").post(
        f"/reporting/reports/{report.id}/funding", data=amounts_form({"其他": "5"})
    )
    assert response.status_code == 400 and "不能再修改到位资金" in response.get_data(as_text=True)
    assert session.scalar(select(ReportFunding.amount_wan)) is None


def test_another_countys_officer_sees_nothing(role_client):
    plan = _plan()
    project = make_project(counties=["温县"])
    report = make_report(project, make_period(plan, f"{plan.start_year}Q1"), status=ReportStatus.DRAFT)
    session.commit()
    other = role_client("other_officer")
    assert other.get(f"/reporting/reports/{report.id}/funding").status_code == 404
    assert (
        other.post(f"/reporting/reports/{report.id}/funding", data=amounts_form({"其他": "5"})).status_code
        == 404
    )
