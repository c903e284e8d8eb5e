import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind, MilestoneStatus
from portfolio.reporting.models import ReportStatus, StatusReport
from portfolio.reporting.progress import progress_for
from portfolio.reporting.queries import list_reports_for_project
from tests.factories import make_project
from tests.reporting.conftest import make_period, report_form


def _url(period, project):
    return f"/reporting/periods/{period.id}/projects/{project.id}/report"


def _report(project, period) -> StatusReport:
    session.expire_all()
    return session.scalar(
        select(StatusReport).where(StatusReport.project_id == project.id, StatusReport.period_id == period.id)
    )


def test_officer_drafts_then_submits_and_figures_derive(app, period, project, role_client):
    officer = role_client("officer")
    form = officer.get(_url(period, project)).get_data(as_text=True)
    assert "形象进度" in form and "年度计划完成率" in form and "开工" in form  # standard milestone rows
    response = officer.post(_url(period, project), data=report_form(save="暂存"))
    assert response.status_code == 302
    report = _report(project, period)
    assert report.status == ReportStatus.DRAFT and report.invested_wan == Decimal("120.5")
    page = officer.get(f"/reporting/reports/{report.id}").get_data(as_text=True)
    assert "120.5" in page and "60.3%" in page  # 120.5 of the year's 200 planned, one decimal
    again = officer.post(_url(period, project), data=report_form(version=report.version, send="报送"))
    assert again.status_code == 302
    assert _report(project, period).status == ReportStatus.SUBMITTED


def test_submission_needs_progress_percent_and_investment(app, period, project, role_client):
    officer = role_client("officer")
    response = officer.post(_url(period, project), data=report_form(percent_complete="", send="报送"))
    assert response.status_code == 400
    assert "报送前请填写：完成百分比" in response.get_data(as_text=True)
    assert _report(project, period) is None  # nothing half-written


def test_bad_values_get_a_message_and_keep_the_input(app, period, project, role_client):
    response = role_client("officer").post(
        _url(period, project), data=report_form(percent_complete="130", problems="保留我写的内容")
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "0 到 100" in text and "保留我写的内容" in text


def test_return_needs_a_reason_then_resubmit_and_approve(app, period, project, role_client):
    officer, planner = role_client("officer"), role_client("planner")
    officer.post(_url(period, project), data=report_form(send="报送"))
    report = _report(project, period)
    no_reason = planner.post(
        f"/reporting/reports/{report.id}/return",
        data={"version": report.version, "reason": ""},
        follow_redirects=True,
    )
    assert "必须填写退回原因" in no_reason.get_data(as_text=True)
    assert _report(project, period).status == ReportStatus.SUBMITTED
    planner.post(
        f"/reporting/reports/{report.id}/return",
        data={"version": report.version, "reason": "投资数与台账不符"},
    )
    report = _report(project, period)
    assert report.status == ReportStatus.RETURNED and report.return_reason == "投资数与台账不符"
    assert "投资数与台账不符" in officer.get(_url(period, project)).get_data(as_text=True)
    officer.post(
        _url(period, project), data=report_form(invested_wan="100", version=report.version, save="暂存")
    )
    report = _report(project, period)
    assert report.status == ReportStatus.RETURNED  # saved, not yet sent again
    officer.post(f"/reporting/reports/{report.id}/submit", data={"version": report.version})
    report = _report(project, period)
    assert report.status == ReportStatus.SUBMITTED
    planner.post(f"/reporting/reports/{report.id}/approve", data={"version": report.version})
    assert _report(project, period).status == ReportStatus.APPROVED
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "StatusReport").order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "report.create",
        "report.submit",
        "report.return",
        "report.update",
        "report.resubmit",
        "report.approve",
    ]
    history = planner.get(f"/reporting/reports/{report.id}").get_data(as_text=True)
    assert "退回" in history and "重新报送" in history


def test_only_approved_reports_feed_progress(app, period, project, role_client, users):
    officer, planner = role_client("officer"), role_client("planner")
    officer.post(_url(period, project), data=report_form(send="报送"))
    as_of = period.ends_on
    assert progress_for([project], as_of, period)[project.id].percent_complete is None
    report = _report(project, period)
    planner.post(f"/reporting/reports/{report.id}/approve", data={"version": report.version})
    session.expire_all()
    progress = progress_for([project], as_of, period)[project.id]
    assert progress.percent_complete == Decimal("60") and progress.reported_in_period


def test_approval_applies_status_and_milestones(app, period, project, role_client):
    officer, planner = role_client("officer"), role_client("planner")
    data = report_form(send="报送", new_status="completed")
    data |= {
        "milestones-0-key": "kind:groundbreaking",
        "milestones-0-actual_date": "2024-03-01",
        "milestones-0-status": "done",
    }
    officer.post(_url(period, project), data=data)
    report = _report(project, period)
    assert (
        project.status == LifecycleStatus.UNDER_CONSTRUCTION and not project.milestones
    )  # not before approval
    planner.post(f"/reporting/reports/{report.id}/approve", data={"version": report.version})
    session.expire_all()
    assert project.status == LifecycleStatus.COMPLETED
    [milestone] = project.milestones
    assert (milestone.kind, milestone.actual_date, milestone.status) == (
        MilestoneKind.GROUNDBREAKING,
        date(2024, 3, 1),
        MilestoneStatus.DONE,
    )
    logged = set(session.scalars(select(AuditEntry.action)))
    assert {"project.update", "milestone.create", "report.approve"} <= logged


def test_existing_milestones_are_updated(app, period, role_client):
    project = make_project()
    project.milestones = [
        Milestone(kind=MilestoneKind.MAIN_WORKS, title="主体完工", planned_date=date(2025, 6, 1))
    ]
    session.commit()
    mid = project.milestones[0].id
    officer, planner = role_client("officer"), role_client("planner")
    form = officer.get(_url(period, project)).get_data(as_text=True)
    assert "主体完工" in form and "前期手续" not in form
    data = report_form(send="报送") | {
        "milestones-0-key": str(mid),
        "milestones-0-actual_date": "",
        "milestones-0-status": "done",
    }
    refused = officer.post(_url(period, project), data=data)
    assert "请填写实际完成日期" in refused.get_data(as_text=True)
    data["milestones-0-actual_date"] = "2025-05-20"
    officer.post(_url(period, project), data=data)
    report = _report(project, period)
    planner.post(f"/reporting/reports/{report.id}/approve", data={"version": report.version})
    session.expire_all()
    assert (project.milestones[0].actual_date, project.milestones[0].status) == (
        date(2025, 5, 20),
        MilestoneStatus.DONE,
    )


def test_other_county_cannot_see_or_edit(app, period, project, role_client):
    role_client("officer").post(_url(period, project), data=report_form(send="报送"))
    report = _report(project, period)
    other = role_client("other_officer")
    assert other.get(_url(period, project)).status_code == 404
    assert other.post(_url(period, project), data=report_form()).status_code == 404
    assert other.get(f"/reporting/reports/{report.id}").status_code == 404
    assert (
        other.post(f"/reporting/reports/{report.id}/submit", data={"version": report.version}).status_code
        == 404
    )
    assert project.name not in other.get(f"/reporting/periods/{period.id}").get_data(as_text=True)
    assert project.name in role_client("officer").get(f"/reporting/periods/{period.id}").get_data(
        as_text=True
    )


def test_officer_and_reviewer_cannot_review(app, period, project, role_client):
    role_client("officer").post(_url(period, project), data=report_form(send="报送"))
    report = _report(project, period)
    for role in ("officer", "reviewer"):
        client = role_client(role)
        assert (
            client.post(
                f"/reporting/reports/{report.id}/approve", data={"version": report.version}
            ).status_code
            == 403
        )
        assert (
            client.post(
                f"/reporting/reports/{report.id}/return", data={"version": report.version, "reason": "x"}
            ).status_code
            == 403
        )
    assert role_client("reviewer").get(f"/reporting/reports/{report.id}").status_code == 200
    assert role_client("reviewer").post(_url(period, project), data=report_form()).status_code == 403
    assert _report(project, period).status == ReportStatus.SUBMITTED


def test_submitted_and_approved_reports_are_frozen(app, period, project, role_client):
    officer = role_client("officer")
    officer.post(_url(period, project), data=report_form(send="报送"))
    report = _report(project, period)
    response = officer.post(_url(period, project), data=report_form(version=report.version, invested_wan="1"))
    assert "待审核，不能再修改" in response.get_data(as_text=True)
    form = officer.get(_url(period, project)).get_data(as_text=True)
    assert "该报告待审核，不能再修改" in form and 'name="send"' not in form
    assert _report(project, period).invested_wan == Decimal("120.5")


def test_locked_period_refuses_reports(app, users, project, role_client):
    period = make_period(users["planner"], deadline=local_today() - timedelta(days=1))
    session.commit()
    officer = role_client("officer")
    assert "期间已锁定" in officer.get(_url(period, project)).get_data(as_text=True)
    response = officer.post(_url(period, project), data=report_form(send="报送"))
    assert "已锁定" in response.get_data(as_text=True) and _report(project, period) is None


def test_a_locked_period_shows_the_form_read_only(app, users, project, role_client):
    open_now = make_period(users["planner"], f"{project.plan.start_year + 1}Q1")
    session.commit()
    officer = role_client("officer")
    officer.post(_url(open_now, project), data=report_form(save="暂存"))
    open_now.deadline = local_today() - timedelta(days=1)  # the deadline passes with the draft unsent
    session.commit()
    html = officer.get(_url(open_now, project)).get_data(as_text=True)
    assert "期间已锁定" in html and "只供查看" in html
    head, body = html.split('<fieldset class="form-body" disabled>', 1)
    body = body.split("</fieldset>", 1)[0]
    visible = r'<(textarea|select)\b|<input(?![^>]*type="hidden")'
    assert re.search(visible, head.split('class="report-form"', 1)[1]) is None  # nothing editable outside
    assert re.search(visible, body) and 'type="file"' not in html  # the values stay readable, no uploads
    assert 'name="send"' not in html and 'name="save"' not in html
    assert "主体结构完成六成" in body


def test_project_history_partial_lists_every_state(app, users, project, role_client):
    officer, planner = role_client("officer"), role_client("planner")
    plan_year = project.plan.start_year
    older = make_period(users["planner"], f"{plan_year + 1}Q1")
    newer = make_period(users["planner"], f"{plan_year + 1}Q2")
    session.commit()
    officer.post(_url(older, project), data=report_form(send="报送"))
    report = _report(project, older)
    planner.post(f"/reporting/reports/{report.id}/approve", data={"version": report.version})
    officer.post(_url(newer, project), data=report_form(save="暂存"))
    reports = list_reports_for_project(project)
    assert [r.period.code for r in reports] == [newer.code, older.code]
    from flask import render_template

    with app.test_request_context():
        html = render_template("reporting/_project_reports.html", reports=reports)
    assert "已通过" in html and "草稿" in html


def test_unreadable_numbers_get_chinese_messages(app, period, project, role_client):
    data = report_form(percent_complete="六成", invested_wan="12万", save="暂存")
    data |= {
        "milestones-0-key": "kind:groundbreaking",
        "milestones-0-actual_date": "昨天",
        "milestones-0-status": "done",
    }
    response = role_client("officer").post(_url(period, project), data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Not a valid" not in text
    assert "应填写数字。" in text and "不是有效的日期值。" in text


def test_planner_reviews_after_the_deadline(app, users, project, role_client):
    period = make_period(users["planner"], deadline=local_today() + timedelta(days=1))
    session.commit()
    role_client("officer").post(_url(period, project), data=report_form(send="报送"))
    period.deadline = local_today() - timedelta(days=1)  # the deadline passes before the review
    session.commit()
    report = _report(project, period)
    role_client("planner").post(f"/reporting/reports/{report.id}/approve", data={"version": report.version})
    assert _report(project, period).status == ReportStatus.APPROVED
