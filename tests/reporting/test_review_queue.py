"""Reviewing in a queue: the last approved report beside this one, approve → next, and bulk approval."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.projects.models import Plan
from portfolio.reporting.models import ReportStatus, StatusReport
from tests.factories import make_period, make_project, make_report


def _periods():
    plan = session.scalar(select(Plan).order_by(Plan.id))
    earlier = make_period(plan, f"{plan.end_year}Q3", deadline=local_today() - timedelta(days=30))
    current = make_period(plan, f"{plan.end_year}Q4", deadline=local_today() + timedelta(days=10))
    return earlier, current


def _submitted(project, period, pct, at):
    report = make_report(project, period, ReportStatus.SUBMITTED, pct=pct, invested="30")
    report.submitted_at = at
    return report


def test_review_page_shows_last_approved_beside_this_and_flags_falling_progress(role_client, users):
    earlier, current = _periods()
    project = make_project(name="温县回落项目")
    make_report(project, earlier, ReportStatus.APPROVED, pct="60", invested="200")
    report = _submitted(project, current, "45", datetime(2026, 1, 1))
    session.commit()
    page = role_client("planner").get(f"/reporting/reports/{report.id}").get_data(as_text=True)
    compare = page[page.index("与上次审核通过的报告对比") :]
    assert f"上次审核通过（{earlier.code}）" in compare
    assert "完成百分比比上次审核通过的报告下降了 15 个百分点" in compare
    assert "60%" in compare and "45%" in compare and "200" in compare


def test_first_report_says_there_is_nothing_to_compare(role_client, users):
    _, current = _periods()
    report = _submitted(make_project(), current, "10", datetime(2026, 1, 1))
    session.commit()
    page = role_client("planner").get(f"/reporting/reports/{report.id}").get_data(as_text=True)
    assert "此前没有审核通过的报告" in page


def test_approve_then_return_walk_the_queue_in_submission_order(role_client, users):
    _, current = _periods()
    first = _submitted(make_project(name="甲"), current, "10", datetime(2026, 1, 1))
    second = _submitted(make_project(name="乙"), current, "20", datetime(2026, 1, 2))
    third = _submitted(make_project(name="丙", counties=["孟州市"]), current, "30", datetime(2026, 1, 3))
    session.commit()
    planner = role_client("planner")

    went = planner.post(f"/reporting/reports/{first.id}/approve", data={"version": first.version})
    assert went.headers["Location"] == f"/reporting/reports/{second.id}"
    went = planner.post(
        f"/reporting/reports/{second.id}/return", data={"version": second.version, "reason": "附件缺失"}
    )
    assert went.headers["Location"] == f"/reporting/reports/{third.id}"
    went = planner.post(f"/reporting/reports/{third.id}/approve", data={"version": third.version})
    assert went.headers["Location"] == "/home"
    statuses = session.scalars(select(StatusReport.status).order_by(StatusReport.id)).all()
    assert statuses == [ReportStatus.APPROVED, ReportStatus.RETURNED, ReportStatus.APPROVED]


def test_next_report_keeps_the_queue_filter(role_client, users):
    _, current = _periods()
    first = _submitted(make_project(name="温一"), current, "10", datetime(2026, 1, 1))
    _submitted(make_project(name="孟一", counties=["孟州市"]), current, "10", datetime(2026, 1, 2))
    third = _submitted(make_project(name="温二"), current, "10", datetime(2026, 1, 3))
    session.commit()
    county = users["officer"].county_id
    went = role_client("planner").post(
        f"/reporting/reports/{first.id}/approve?county={county}", data={"version": first.version}
    )
    assert went.headers["Location"] == f"/reporting/reports/{third.id}?county={county}"


def test_bulk_approval_checks_and_audits_each_report(role_client, users):
    _, current = _periods()
    good = _submitted(make_project(name="好报告"), current, "10", datetime(2026, 1, 1))
    stale = _submitted(make_project(name="过期报告"), current, "10", datetime(2026, 1, 2))
    draft = make_report(make_project(name="草稿报告"), current, ReportStatus.DRAFT)
    session.commit()
    planner = role_client("planner")
    response = planner.post(
        "/reporting/reports/approve-selected",
        data={"report": [f"{good.id}:{good.version}", f"{stale.id}:{stale.version + 5}", f"{draft.id}:1"]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "已审核通过 1 份报告" in page and "过期报告：" in page and "草稿报告：" in page
    session.expire_all()
    assert session.get(StatusReport, good.id).status == ReportStatus.APPROVED
    assert session.get(StatusReport, stale.id).status == ReportStatus.SUBMITTED
    assert session.get(StatusReport, draft.id).status == ReportStatus.DRAFT
    audited = session.scalar(select(func.count()).where(AuditEntry.action == "report.approve"))
    assert audited == 1


def test_bulk_approval_with_nothing_ticked_is_explained(role_client, users):
    response = role_client("planner").post(
        "/reporting/reports/approve-selected", data={}, follow_redirects=True
    )
    assert "请先勾选要审核通过的报告" in response.get_data(as_text=True)


def test_report_counts_submissions_as_users_do(role_client, users):
    _, current = _periods()
    project = make_project()
    session.commit()
    officer = role_client("officer")
    from tests.reporting.conftest import report_form

    officer.post(
        f"/reporting/periods/{current.id}/projects/{project.id}/report", data=report_form(send="报送")
    )
    report = session.scalar(select(StatusReport))
    page = officer.get(f"/reporting/reports/{report.id}").get_data(as_text=True)
    assert "第 1 次报送" in page and "第 2 版" not in page
