"""The whole reporting round in a real browser against a real server, with CSRF on.

A county officer submits a report with a site photo, the planner returns it with a reason, the officer
resubmits, the planner approves; the project's warning colour and the needs-reporting page follow.
Screenshots of the key pages go to /work/notes/shots/.
"""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.reporting.models import ReportStatus, StatusReport
from portfolio.reporting.periods import open_period
from tests.browser import MARKS, launch, live_server, screenshot
from tests.factories import PASSWORD, make_project, make_user, seed_reference
from tests.reporting.test_attachments import tiny_png

pytestmark = MARKS


@pytest.fixture
def live(tmp_path):
    """Two projects in two counties and an open period, served live."""

    def seed():
        plan = seed_reference()
        planner = make_user("planner", "planner", display_name="规划科")
        make_user("wenxian", "county_officer", county="温县", display_name="温县填报员")
        project = make_project(
            name="温县城区污水管网改造",
            planned_start=date(plan.start_year, 1, 1),
            planned_end=date(plan.end_year, 12, 1),
            annual={plan.end_year: 100},
        )
        make_project(name="孟州市垃圾填埋场封场", counties=["孟州市"])
        period = open_period(
            planner, plan, f"{plan.end_year}Q4", local_today() + timedelta(days=30), "quarter"
        )
        return {"project": project.id, "period": period.id, "code": period.code}

    with live_server(tmp_path, seed, UPLOAD_DIR=str(tmp_path / "uploads")) as served:
        yield served


def _login(browser, base, username):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _shot(page, name):
    screenshot(page, f"reporting-{name}")


def _report_id(app, ids):
    with app.app_context():
        return session.scalar(select(StatusReport.id).where(StatusReport.project_id == ids["project"]))


def _report_status(app, ids):
    with app.app_context():
        return session.scalar(select(StatusReport.status).where(StatusReport.project_id == ids["project"]))


def test_officer_and_planner_round_trip(live, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    app, base, ids = live
    project_name = "温县城区污水管网改造"
    with sync_playwright() as p:
        browser = launch(p)
        planner = _login(browser, base, "planner")
        planner.goto(f"{base}/reporting/reminders")
        expect(planner.locator("table.missing")).to_contain_text(project_name)
        _shot(planner, "1-reminders-before")
        planner.goto(f"{base}/projects/{ids['project']}")
        expect(planner.locator("h1 .badge")).to_have_text("无已通过报告")

        officer = _login(browser, base, "wenxian")
        officer.goto(f"{base}/reporting/periods")
        officer.click(f"text={ids['code']}")
        officer.click(f"tr:has-text('{project_name}') >> a.button:has-text('填报')")
        officer.fill("textarea[name=progress_text]", "管网铺设完成八成，泵站主体封顶")
        officer.fill("input[name=percent_complete]", "80")
        officer.fill("input[name=invested_wan]", "50")
        expect(officer.locator("output[data-figure=rate]")).to_have_text("50.0%")  # 50 of the 100 planned
        officer.fill("textarea[name=problems]", "雨季影响施工")
        photo = tmp_path / "现场照片.png"
        photo.write_bytes(tiny_png())
        officer.set_input_files("input[name=files]", str(photo))
        _shot(officer, "2-form-filled")
        officer.click("input[name=send]")
        expect(officer.locator(".flash")).to_contain_text("已报送")
        expect(officer.locator("ul.attachments")).to_contain_text("现场照片.png")
        _shot(officer, "3-submitted")
        assert _report_status(app, ids) == ReportStatus.SUBMITTED

        planner.goto(f"{base}/reporting/reminders")
        expect(planner.locator("body")).not_to_contain_text(project_name)
        _shot(planner, "4-reminders-after-submit")
        planner.goto(f"{base}/reporting/periods/{ids['period']}")
        planner.click(f"tr:has-text('{project_name}') >> text=查看")
        planner.fill("textarea[name=reason]", "本期投资与台账不符，请核实")
        planner.click("button:has-text('退回修改')")
        expect(planner.locator(".flash").first).to_contain_text(
            "已退回"
        )  # then on to the queue's next report
        report_url = f"{base}/reporting/reports/" + str(_report_id(app, ids))
        planner.goto(report_url)
        expect(planner.locator(".return-reason")).to_contain_text("本期投资与台账不符")
        assert _report_status(app, ids) == ReportStatus.RETURNED

        officer.reload()
        expect(officer.locator(".return-reason")).to_contain_text("本期投资与台账不符")
        _shot(officer, "5-returned")
        officer.click("a.button:has-text('修改')")
        officer.fill("input[name=invested_wan]", "45")
        officer.click("input[name=send]")
        expect(officer.locator(".flash")).to_contain_text("已报送")
        assert _report_status(app, ids) == ReportStatus.SUBMITTED

        planner.goto(report_url)
        planner.click("button:has-text('审核通过')")
        expect(planner.locator(".flash").first).to_contain_text("审核通过")
        _shot(planner, "6-approved")
        assert _report_status(app, ids) == ReportStatus.APPROVED

        planner.goto(f"{base}/projects/{ids['project']}")
        badge = planner.locator("h1 .badge")
        expect(badge).to_have_text("黄色预警")  # 80 % against a schedule of 100 %: 20 points behind
        expect(badge).to_have_class(re.compile(r"\bbadge yellow\b"))  # the macro adds warning-*
        _shot(planner, "7-project-yellow")
        planner.goto(f"{base}/reporting/reminders")
        expect(planner.locator("table.missing")).not_to_contain_text(project_name)
        expect(planner.locator("table.missing")).to_contain_text("孟州市垃圾填埋场封场")
        _shot(planner, "8-reminders-after-approval")
        browser.close()
