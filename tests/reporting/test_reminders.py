from decimal import Decimal

from sqlalchemy import select

from portfolio.db import session
from portfolio.projects.models import LifecycleStatus, Project
from portfolio.reporting.models import Setting, StatusReport
from portfolio.reporting.progress import get_thresholds
from tests.factories import make_project
from tests.reporting.conftest import report_form


def test_reminders_list_missing_projects_and_counties(app, period, role_client):
    wen = make_project(name="温县湿地", counties=["温县"])
    wen2 = make_project(name="温县管网", counties=["温县"])
    meng = make_project(name="孟州垃圾处理", counties=["孟州市"], units=["孟州市生态环境分局"])
    make_project(name="已取消项目", counties=["孟州市"], status=LifecycleStatus.CANCELLED)
    session.commit()
    role_client("officer").post(
        f"/reporting/periods/{period.id}/projects/{wen.id}/report", data=report_form(send="报送")
    )
    role_client("officer").post(
        f"/reporting/periods/{period.id}/projects/{wen2.id}/report", data=report_form(save="暂存")
    )
    page = role_client("planner").get("/reporting/reminders").get_data(as_text=True)
    missing = page.split("未报送项目清单")[1]
    assert "温县管网" in missing and "孟州垃圾处理" in missing and "孟州市生态环境分局" in missing
    assert "温县湿地" not in missing and "已取消项目" not in page
    by_county = page.split("按县区统计")[1].split("未报送项目清单")[0]
    assert '<td>温县</td><td class="num">1</td><td class="num">2</td>' in by_county
    assert '<td>孟州市</td><td class="num">1</td><td class="num">1</td>' in by_county
    assert meng.name in role_client("planner").get(f"/reporting/reminders?period_id={period.id}").get_data(
        as_text=True
    )


def test_reminders_page_counts_and_pages_in_sql_as_the_full_list_does(app, period, users, role_client):
    """Counts, per-county figures and every page agree with the full list; a page holds 100 rows at most."""
    from portfolio.reporting.models import ReportStatus
    from portfolio.reporting.queries import count_behind_by_county, list_reminder_page, list_reminders
    from tests.factories import bulk_projects

    bulk_projects(230, period.plan)
    make_project(name="无地点项目", counties=[])
    session.flush()
    projects = session.scalars(select(Project).order_by(Project.id)).all()
    for i, p in enumerate(projects[:60]):  # submitted, draft and returned reports among the rest
        status = (ReportStatus.SUBMITTED, ReportStatus.DRAFT, ReportStatus.RETURNED)[i % 3]
        session.add(StatusReport(project_id=p.id, period_id=period.id, status=status))
    session.commit()
    full = list_reminders(period)
    pages = [list_reminder_page(period, n, 100) for n in (1, 2, 3, 4)]
    assert [len(p.missing) for p in pages] == [100, 100, len(full.missing) - 200, 0]
    assert [row for p in pages for row in p.missing] == full.missing
    assert {(p.missing_total, p.expected, p.pages) for p in pages} == {(len(full.missing), full.expected, 3)}
    assert count_behind_by_county(period) == full.by_county
    assert any(c.county_id is None and c.name == "未定地点" for c in full.by_county)
    html = role_client("planner").get("/reporting/reminders?page=3").get_data(as_text=True)
    assert "（第 3 / 3 页）" in html and html.count("data-project-id=") == len(full.missing) - 200


def test_reminders_without_an_open_period_and_for_officers(app, users, role_client):
    assert "没有填报中的期间" in role_client("planner").get("/reporting/reminders").get_data(as_text=True)
    assert role_client("officer").get("/reporting/reminders").status_code == 403
    assert role_client("reviewer").get("/reporting/reminders").status_code == 403


def test_planner_configures_thresholds(app, users, role_client):
    planner = role_client("planner")
    assert "黄色预警" in planner.get("/reporting/thresholds").get_data(as_text=True)
    bad = planner.post(
        "/reporting/thresholds", data={"yellow_points": "20", "red_points": "10", "not_started_months": "3"}
    )
    assert "不能小于黄色预警" in bad.get_data(as_text=True)
    assert session.get(Setting, "warning_thresholds") is None
    planner.post(
        "/reporting/thresholds", data={"yellow_points": "5", "red_points": "15", "not_started_months": "2"}
    )
    session.expire_all()
    t = get_thresholds()
    assert (t.yellow_points, t.red_points, t.not_started_months) == (Decimal(5), Decimal(15), 2)
    assert role_client("officer").post("/reporting/thresholds", data={}).status_code == 403
    assert role_client("officer").get("/reporting/thresholds").status_code == 403


def test_period_list_counts_reports(app, period, project, role_client):
    role_client("officer").post(
        f"/reporting/periods/{period.id}/projects/{project.id}/report", data=report_form(send="报送")
    )
    assert session.scalar(select(StatusReport.id)) is not None
    page = role_client("planner").get("/reporting/periods").get_data(as_text=True)
    assert period.code in page and "填报中" in page


def test_reminders_page_lights_only_its_own_nav_item(app, users, role_client):
    page = role_client("planner").get("/reporting/reminders").get_data(as_text=True)
    assert page.count('class="active"') == 1 and 'href="/reporting/reminders" class="active"' in page


def test_period_page_lights_the_reporting_item(app, period, role_client):
    page = role_client("planner").get(f"/reporting/periods/{period.id}").get_data(as_text=True)
    assert page.count('class="active"') == 1 and 'href="/reporting/periods" class="active"' in page
