"""纳入系统前已完成投资: entered by planners with its as-of date, a separate line, part of 开工以来累计."""

from datetime import date
from decimal import Decimal

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.reporting.models import ReportStatus
from tests.factories import make_period, make_project, make_report


def _project():
    """Like project 4: 16,536 万元 in total, 1,723 reported in the tracker, most of it done before."""
    project = make_project(
        name="沁阳市城市集中供热项目",
        total_investment_wan=Decimal(16536),
        planned_start=date(2019, 4, 1),
        planned_end=date(2020, 7, 1),
    )
    make_report(
        project, make_period(project.plan, "2023Q4"), ReportStatus.APPROVED, invested="1723", pct="63"
    )
    session.commit()
    return project


def test_planner_enters_it_and_the_project_page_adds_it_to_since_start(app, users, role_client):
    project = _project()
    client = role_client("planner")
    form = client.get(f"/projects/{project.id}/pre-tracking")
    assert form.status_code == 200 and "截至日期" in form.get_data(as_text=True)
    saved = client.post(
        f"/projects/{project.id}/pre-tracking", data={"amount_wan": "8500", "as_of": "2020-12-31"}
    )
    assert saved.status_code == 302
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "<th>纳入系统前已完成</th><td>8,500.00（截至 2020-12-31）" in html
    assert "<th>系统内累计完成</th><td>1,723.00</td>" in html
    assert '<td data-figure="since-start">10,223.00</td>' in html
    entry = session.query(AuditEntry).filter_by(summary="录入纳入系统前已完成投资").one()
    assert entry.after == {"pre_tracking_invested_wan": "8500", "pre_tracking_as_of": "2020-12-31"}


def test_bad_input_is_refused_in_chinese_and_nothing_is_kept(app, users, role_client):
    project = _project()
    client = role_client("planner")
    url = f"/projects/{project.id}/pre-tracking"
    for data, message in (
        ({"amount_wan": "很多", "as_of": "2020-12-31"}, "应填写数字"),
        ({"amount_wan": "-1", "as_of": "2020-12-31"}, "不能为负数。"),
        ({"amount_wan": "100", "as_of": ""}, "请填写纳入系统前已完成投资的截至日期。"),
        ({"amount_wan": "100", "as_of": "2020/13/40"}, "日期格式应为“年-月-日”"),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    session.expire_all()
    assert project.pre_tracking_invested_wan is None and project.pre_tracking_as_of is None


def test_more_than_the_total_is_kept_with_the_warning_the_import_gives(app, users, role_client):
    project = _project()
    client = role_client("planner")
    url = f"/projects/{project.id}/pre-tracking"
    saved = client.post(url, data={"amount_wan": "20000", "as_of": "2020-12-31"}, follow_redirects=True)
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "已保存纳入系统前已完成投资。" in html
    # the words of the import's pre-tracking-exceeds-total (tests/annex/test_pre_tracking_import.py)
    warning = "纳入系统前已完成投资 20,000.00 万元超过总投资 16,536.00 万元，请核对。"
    assert f'<div class="flash flash-warning" role="status">{warning}</div>' in html
    assert "<th>纳入系统前已完成</th><td>20,000.00（截至 2020-12-31）" in html
    session.expire_all()
    assert project.pre_tracking_invested_wan == Decimal(20000)
    within = client.post(url, data={"amount_wan": "16536", "as_of": "2020-12-31"}, follow_redirects=True)
    assert "flash-warning" not in within.get_data(as_text=True)  # equal to the total: nothing to check
    undated = client.post(url, data={"amount_wan": "20000", "as_of": ""})
    assert undated.status_code == 400 and "请填写纳入系统前已完成投资的截至日期。" in undated.get_data(
        as_text=True
    )
    session.expire_all()
    assert project.pre_tracking_invested_wan == Decimal(16536)


def test_officers_cannot_enter_it(app, users, role_client):
    project = _project()
    assert role_client("officer").post(f"/projects/{project.id}/pre-tracking", data={}).status_code == 403
