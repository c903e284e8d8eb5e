"""Funds received by source (本期到位资金), entered in the report form: one save, one version, one commit.

Year and cumulative figures count approved reports only, as investment does.
"""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.funding.models import ProjectFunding, ReportFunding
from portfolio.localtime import local_today
from portfolio.projects.models import Plan
from portfolio.reporting.models import ReportStatus, StatusReport
from tests.factories import make_period, make_project, make_report
from tests.funding.helpers import amounts_form, sources
from tests.reporting.conftest import report_form


def _plan() -> Plan:
    return session.scalar(select(Plan).order_by(Plan.id))


def _open_period(code: str):
    return make_period(_plan(), code, deadline=local_today() + timedelta(days=30))


def _form(amounts: dict[str, str], **fields) -> dict:
    return report_form(**fields) | amounts_form(amounts, prefix="funds")


def _url(period, project) -> str:
    return f"/reporting/periods/{period.id}/projects/{project.id}/report"


def _funds(report_id: int) -> dict[str, Decimal]:
    session.expire_all()
    by_id = {s.id: name for name, s in sources().items()}
    rows = session.scalars(select(ReportFunding).where(ReportFunding.report_id == report_id))
    return {by_id[r.source_id]: r.amount_wan for r in rows}


def test_the_report_form_offers_one_row_per_source_with_the_approved_figures_before(role_client):
    plan = _plan()
    project = make_project(name="温县供水工程")
    earlier = make_report(project, make_period(plan, f"{plan.end_year}Q1"))
    session.add(ReportFunding(report_id=earlier.id, source_id=sources()["银行贷款"].id, amount_wan=200))
    period = _open_period(f"{plan.end_year}Q2")
    session.commit()
    page = role_client("officer").get(_url(period, project)).get_data(as_text=True)
    assert "本期到位资金（万元）" in page
    for name in sources():
        assert f">{name}</label>" in page
    assert 'name="funds-0-source_id"' in page and 'name="funds-7-amount"' in page
    assert 'data-year-before="200.0000" data-cumulative-before="200.0000"' in page


def test_officer_records_funds_with_the_report_and_the_totals_wait_for_approval(role_client):
    plan = _plan()
    project = make_project(name="温县供水工程")
    session.add(ProjectFunding(project_id=project.id, source_id=sources()["银行贷款"].id, amount_wan=900))
    earlier = make_report(project, make_period(plan, f"{plan.end_year}Q1"))
    session.add(ReportFunding(report_id=earlier.id, source_id=sources()["银行贷款"].id, amount_wan=200))
    period = _open_period(f"{plan.end_year}Q2")
    session.commit()
    officer = role_client("officer")
    body = _form({"银行贷款": "150", "地方政府专项债券": "50"}, save="暂存")
    response = officer.post(_url(period, project), data=body, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "报告已暂存" in text
    # this period's figure shows; the cumulative counts the approved Q1 only
    assert '<td>银行贷款</td><td class="num">150.00</td><td class="num">200.00</td>' in text
    report = session.scalar(select(StatusReport).where(StatusReport.period_id == period.id))
    assert _funds(report.id) == {"银行贷款": 150, "地方政府专项债券": 50}
    assert report.invested_wan == Decimal("120.5")  # the report's own fields in the same save
    summary = role_client("planner").get(f"/summary?plan={plan.id}").get_data(as_text=True)
    assert '<td>银行贷款</td><td class="num">1</td><td class="num">900.00</td>' in summary
    report.status = ReportStatus.APPROVED
    session.commit()
    summary = role_client("planner").get(f"/summary?plan={plan.id}").get_data(as_text=True)
    assert '<td class="num">900.00</td>\n        <td class="num">350.00</td>' in summary
    detail = officer.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<td class="num">350.00</td></tr>' in detail


def test_funds_are_sent_with_the_report_and_a_blank_amount_removes_a_source(role_client):
    plan = _plan()
    project = make_project()
    period = _open_period(f"{plan.end_year}Q2")
    session.commit()
    officer, url = role_client("officer"), _url(period, project)
    officer.post(url, data=_form({"其他": "5", "银行贷款": "7"}, save="暂存"))
    report = session.scalar(select(StatusReport))
    version = report.version
    body = _form({"其他": "", "银行贷款": "8"}, version=str(version), send="报送")
    assert officer.post(url, data=body).status_code == 302
    session.expire_all()
    report = session.scalar(select(StatusReport))
    assert report.status == ReportStatus.SUBMITTED and _funds(report.id) == {"银行贷款": 8}
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-3:] == ["report.update", "report.funding_update", "report.submit"]


def test_a_funds_only_change_bumps_the_version_and_a_stale_form_sees_the_funds_that_differ(role_client):
    plan = _plan()
    project = make_project()
    period = _open_period(f"{plan.end_year}Q2")
    session.commit()
    officer, colleague, url = role_client("officer"), role_client("admin"), _url(period, project)
    officer.post(url, data=_form({"银行贷款": "10"}, save="暂存"))
    version = session.scalar(select(StatusReport.version))
    body = _form({"银行贷款": "12"}, version=str(version), save="暂存")
    assert colleague.post(url, data=body).status_code == 302
    assert session.scalar(select(StatusReport.version)) > version
    stale = officer.post(url, data=_form({"银行贷款": "30"}, version=str(version), save="暂存"))
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "已被他人修改" in text
    assert "<td>本期到位资金：银行贷款</td><td" in text and ">30</td>" in text and ">12</td>" in text
    assert _funds(session.scalar(select(StatusReport.id))) == {"银行贷款": 12}


def test_bad_funds_refuse_the_whole_save(role_client):
    plan = _plan()
    project = make_project()
    period = _open_period(f"{plan.end_year}Q2")
    session.commit()
    officer, url = role_client("officer"), _url(period, project)
    for bad in ("-5", "1e400", "abc"):
        response = officer.post(url, data=_form({"银行贷款": bad}, save="暂存"))
        text = response.get_data(as_text=True)
        assert response.status_code == 400, bad
        assert "报告已暂存" not in text and f'value="{bad}"' in text  # the typed value stays
    assert session.scalar(select(func.count()).select_from(StatusReport)) == 0
    assert session.scalar(select(func.count()).select_from(ReportFunding)) == 0


def test_a_form_without_funding_rows_leaves_the_funds_as_stored(role_client):
    plan = _plan()
    project = make_project()
    period = _open_period(f"{plan.end_year}Q2")
    session.commit()
    officer, url = role_client("officer"), _url(period, project)
    officer.post(url, data=_form({"银行贷款": "10"}, save="暂存"))
    version = session.scalar(select(StatusReport.version))
    officer.post(url, data=report_form(version=str(version), invested_wan="1", save="暂存"))
    assert _funds(session.scalar(select(StatusReport.id))) == {"银行贷款": 10}


def test_approved_reports_and_locked_periods_cannot_change_their_funds(role_client):
    plan = _plan()
    project = make_project()
    approved = make_report(project, _open_period(f"{plan.end_year}Q1"))
    locked = make_period(plan, f"{plan.start_year}Q1")
    session.commit()
    planner = role_client("planner")
    response = planner.post(
        _url(approved.period, project), data=_form({"其他": "5"}, version=str(approved.version), save="暂存")
    )
    assert response.status_code == 400 and "不能再修改" in response.get_data(as_text=True)
    response = planner.post(_url(locked, project), data=_form({"其他": "5"}, save="暂存"))
    assert response.status_code == 400 and "已锁定" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ReportFunding)) == 0


def test_another_countys_officer_cannot_reach_the_form(role_client):
    plan = _plan()
    project = make_project(counties=["温县"])
    period = _open_period(f"{plan.end_year}Q2")
    session.commit()
    other = role_client("other_officer")
    assert other.get(_url(period, project)).status_code == 404
    assert other.post(_url(period, project), data=_form({"其他": "5"}, save="暂存")).status_code == 404
    assert session.scalar(select(func.count()).select_from(ReportFunding)) == 0


def test_a_source_that_is_not_the_plans_refuses_the_save(role_client):
    plan = _plan()
    project = make_project()
    period = _open_period(f"{plan.end_year}Q2")
    session.commit()
    body = _form({"其他": "5"}, save="暂存") | {"funds-0-source_id": "999999", "funds-0-amount": "3"}
    response = role_client("officer").post(_url(period, project), data=body)
    assert response.status_code == 400 and "资金来源已不存在" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(StatusReport)) == 0
