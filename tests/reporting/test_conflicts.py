from decimal import Decimal

from sqlalchemy import select

from portfolio.db import session
from portfolio.reporting.models import ReportStatus, StatusReport
from tests.factories import make_user
from tests.reporting.conftest import report_form


def test_second_editor_is_refused_with_what_changed(app, period, project, role_client, users):
    colleague = make_user("colleague", "county_officer", county="温县")
    session.commit()
    first, officer = role_client("officer"), role_client("officer")
    from tests.factories import login_as

    second = app.test_client()
    login_as(second, colleague)
    url = f"/reporting/periods/{period.id}/projects/{project.id}/report"
    first.post(url, data=report_form(save="暂存"))
    version = session.scalar(select(StatusReport.version))
    # Both open the form at the same version; the first saves a new figure.
    assert (
        first.post(url, data=report_form(version=version, invested_wan="150", save="暂存")).status_code == 302
    )
    response = second.post(url, data=report_form(version=version, invested_wan="99", save="暂存"))
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "已被他人修改" in text and "本期完成投资（万元）" in text and "99" in text and "150" in text
    assert "最近一次由 officer 于" in text and "150.0000" not in text
    session.expire_all()
    assert session.scalar(select(StatusReport.invested_wan)) == Decimal("150")
    # Saving again after seeing the differences is deliberate and goes through.
    assert (
        second.post(url, data=report_form(version=version + 1, invested_wan="99", save="暂存")).status_code
        == 302
    )
    session.expire_all()
    assert session.scalar(select(StatusReport.invested_wan)) == Decimal("99")
    assert officer.get(url).status_code == 200


def test_stale_review_is_refused(app, period, project, role_client):
    officer, planner = role_client("officer"), role_client("planner")
    url = f"/reporting/periods/{period.id}/projects/{project.id}/report"
    officer.post(url, data=report_form(send="报送"))
    report = session.scalar(select(StatusReport))
    stale = report.version
    planner.post(f"/reporting/reports/{report.id}/return", data={"version": stale, "reason": "补充照片"})
    response = planner.post(
        f"/reporting/reports/{report.id}/approve", data={"version": stale}, follow_redirects=True
    )
    assert "已被他人修改" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(StatusReport.status)) == ReportStatus.RETURNED
