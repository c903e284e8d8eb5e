"""The home page (工作台): what each role sees first, after login and from the logo."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from portfolio.auth.models import LoginFailure
from portfolio.db import session, utcnow
from portfolio.evaluation.models import (
    EvaluationRound,
    Indicator,
    ProjectAssessment,
    ProjectClass,
    TargetKind,
)
from portfolio.localtime import local_today
from portfolio.projects.models import LifecycleStatus, Plan
from portfolio.reporting.models import ReportStatus
from tests.factories import make_period, make_project, make_report


def _plan():
    return session.scalar(select(Plan).order_by(Plan.id))


def _open_period(days_left=12):
    plan = _plan()
    return make_period(plan, f"{plan.end_year}Q4", deadline=local_today() + timedelta(days=days_left))


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_login_lands_on_the_home_page(client, users):
    from portfolio.auth.passwords import hash_password

    users["officer"].password_hash = hash_password("Secret#2026")
    session.commit()
    response = client.post("/login", data={"username": "officer", "password": "Secret#2026"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    page = _text(client.get("/home"))
    assert 'class="brand" href="/home"' in page and "<h1>工作台</h1>" in page


def test_officer_sees_days_left_and_returned_reports_first(role_client, users):
    period = _open_period(12)
    waiting = make_project(name="温县未填项目", counties=["温县"])
    make_report(make_project(name="温县已报项目", counties=["温县"]), period, ReportStatus.SUBMITTED)
    returned = make_project(name="温县退回项目", counties=["温县"])
    make_report(returned, period, ReportStatus.RETURNED, return_reason="投资额与台账不符")
    make_project(name="孟州市项目", counties=["孟州市"])
    session.commit()

    page = _text(role_client("officer").get("/home"))
    assert "还剩 <b>12</b> 天" in page
    assert '<b class="to-do">2</b> 个项目尚未报送' in page
    assert "孟州市项目" not in page
    order = [page.index(name) for name in ("温县退回项目", "温县未填项目", "温县已报项目")]
    assert order == sorted(order)
    assert "退回原因：投资额与台账不符" in page
    assert f"/reporting/periods/{period.id}/projects/{waiting.id}/report" in page
    assert f"/reporting/periods/{period.id}/projects/{returned.id}/report" in page


def test_officer_of_a_large_county_gets_the_first_tasks_and_a_link_to_the_rest(role_client, users):
    from portfolio.home.queries import TASKS_SHOWN
    from tests.querycount import statements_for

    period = _open_period(12)
    submitted = [make_project(name=f"温县已报{n:02d}", counties=["温县"]) for n in range(TASKS_SHOWN)]
    for project in submitted:
        make_report(project, period, ReportStatus.SUBMITTED)
    make_project(name="温县未填项目", counties=["温县"])
    make_report(make_project(name="温县退回项目", counties=["温县"]), period, ReportStatus.RETURNED)
    make_project(name="温县已竣工项目", counties=["温县"], status=LifecycleStatus.COMPLETED)
    session.commit()

    officer = role_client("officer")
    page = _text(officer.get("/home"))
    listed = page.count('<li data-project-id="')
    assert listed == TASKS_SHOWN
    assert page.index("温县退回项目") < page.index("温县未填项目") < page.index("温县已报00")
    assert f"温县已报{TASKS_SHOWN - 3:02d}" in page and f"温县已报{TASKS_SHOWN - 2:02d}" not in page
    assert "温县已竣工项目" not in page
    assert '<b class="to-do">2</b> 个项目尚未报送' in page
    assert f"共 {TASKS_SHOWN + 2} 个项目，这里先列出最需要处理的 {TASKS_SHOWN} 个" in page
    assert f'href="/reporting/periods/{period.id}"' in page

    before = statements_for(officer, "/home")
    for n in range(20):
        make_project(name=f"温县新增{n}", counties=["温县"])
    session.commit()
    assert statements_for(officer, "/home") == before


def test_officer_without_an_open_period_is_told_so(role_client, users):
    page = _text(role_client("officer").get("/home"))
    assert "当前没有填报中的期间" in page


def test_planner_queue_is_oldest_first_and_filters_by_county(role_client, users):
    period = _open_period()
    late = make_report(make_project(name="孟州市后报", counties=["孟州市"]), period, ReportStatus.SUBMITTED)
    early = make_report(make_project(name="温县先报", counties=["温县"]), period, ReportStatus.SUBMITTED)
    early.submitted_at, late.submitted_at = datetime(2026, 1, 5), datetime(2026, 1, 9)
    make_project(name="温县未报", counties=["温县"])
    session.commit()
    planner = role_client("planner")

    page = _text(planner.get("/home"))
    assert "待审核报告（2 份）" in page
    assert page.index("温县先报") < page.index("孟州市后报")
    assert "全部催报" in page and "温县" in page

    county = users["officer"].county_id
    filtered = _text(planner.get(f"/home?county={county}"))
    assert "待审核报告（1 份）" in filtered and "孟州市后报" not in filtered


def test_reviewer_sees_projects_to_confirm_and_indicators_without_values(role_client, users):
    plan = _plan()
    project = make_project(name="待确认项目")
    round_ = EvaluationRound(plan=plan, name="中期评估", as_of=date(2026, 6, 30))
    assessment = ProjectAssessment(
        round=round_, project=project, computed_class=ProjectClass.LAGGING, final_class=ProjectClass.LAGGING
    )
    indicator = Indicator(
        plan=plan,
        seq=3,
        category="环境质量",
        name="优良天数比例",
        target_kind=TargetKind.AT_LEAST,
        binding=True,
    )
    session.add_all([round_, assessment, indicator])
    session.commit()

    page = _text(role_client("reviewer").get("/home"))
    assert "待确认的项目（1 个）" in page and "待确认项目" in page and "系统分类：滞后" in page
    assert "缺少 2025 年实际值的指标（1 个）" in page and "优良天数比例" in page


def test_admin_sees_locked_failed_and_unused_accounts(role_client, users):
    users["other_officer"].locked_until = utcnow() + timedelta(minutes=10)
    session.add(LoginFailure(ip="10.0.0.8", username="ghost"))
    users["reviewer"].last_login_at = utcnow()
    session.commit()

    page = _text(role_client("admin").get("/home"))
    locked = page[page.index("被锁定的账号") : page.index("近 7 天")]
    assert "other_officer" in locked
    assert "ghost" in page and "10.0.0.8" in page
    unused = page[page.index("从未登录的账号") :]
    assert "planner" in unused and "（reviewer）" not in unused


def test_admin_home_shows_the_last_backup_once_one_is_made(app, role_client, users, tmp_path):
    admin = role_client("admin")
    assert "还没有备份记录" in _text(admin.get("/home"))
    archive = tmp_path / "nightly.zip"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    page = _text(admin.get("/home"))
    section = page[page.index("最近一次备份") : page.index("被锁定的账号")]
    assert str(archive.resolve()) in section and "个附件" in section and "还没有备份记录" not in section
    assert "已超过两天" not in section and "UTC" not in section
    # An unreadable record is treated as unknown rather than taking the page down.
    (tmp_path / "last-backup.json").write_text("{not json", encoding="utf-8")
    assert "还没有备份记录" in _text(admin.get("/home"))
