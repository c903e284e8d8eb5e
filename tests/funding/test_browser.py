"""A county officer enters 本期到位资金 in the report form in a real browser; the planner approves and the
project's cumulative funds follow. Screenshots of the form at 1400 px and 390 px go to the shots folder."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio.db import session
from portfolio.funding.models import FundingSource, ReportFunding
from portfolio.localtime import local_today
from portfolio.reporting.models import ReportStatus, StatusReport
from portfolio.reporting.periods import open_period
from tests.browser import MARKS, launch, live_server, screenshot
from tests.factories import PASSWORD, make_period, make_project, make_report, make_user, seed_reference

pytestmark = MARKS
NAME = "温县城区污水管网改造"


@pytest.fixture
def live(tmp_path):
    """A 温县 project with 200 万元 of bank loans received in an approved earlier quarter; Q4 open."""

    def seed():
        plan = seed_reference()
        planner = make_user("planner", "planner", display_name="规划科")
        make_user("wenxian", "county_officer", county="温县", display_name="温县填报员")
        project = make_project(name=NAME, annual={plan.end_year: 100})
        earlier = make_report(project, make_period(plan, f"{plan.end_year}Q3"))
        loan = session.scalar(select(FundingSource).where(FundingSource.name == "银行贷款"))
        session.add(ReportFunding(report_id=earlier.id, source_id=loan.id, amount_wan=Decimal(200)))
        period = open_period(
            planner, plan, f"{plan.end_year}Q4", local_today() + timedelta(days=30), "quarter"
        )
        return {"project": project.id, "period": period.id}

    with live_server(tmp_path, seed, UPLOAD_DIR=str(tmp_path / "uploads")) as served:
        yield served


def _login(browser, base, username, width=1400):
    page = browser.new_context(viewport={"width": width, "height": 1000}, locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _funds_input(page, source: str):
    return page.locator(f"#report-funds tr:has(label:text-is('{source}')) input[type=number]")


def _funds_row(page, source: str):
    return page.locator(f"#report-funds tr:has(label:text-is('{source}'))")


def test_officer_enters_funds_in_the_report_form_and_approval_counts_them(live):
    from playwright.sync_api import expect, sync_playwright

    app, base, ids = live
    form_url = f"{base}/reporting/periods/{ids['period']}/projects/{ids['project']}/report"
    with sync_playwright() as p:
        browser = launch(p)
        officer = _login(browser, base, "wenxian")
        officer.goto(form_url)
        expect(officer.locator("#report-funds h2")).to_have_text("本期到位资金（万元）")
        officer.fill("textarea[name=progress_text]", "管网铺设完成八成")
        officer.fill("input[name=percent_complete]", "80")
        officer.fill("input[name=invested_wan]", "50")
        _funds_input(officer, "银行贷款").fill("150")
        # the year's and cumulative figures follow as the officer types: 200 approved before + 150
        cumulative = _funds_row(officer, "银行贷款").locator("output[data-figure=cumulative]")
        expect(cumulative).to_have_text("350.00")
        _funds_input(officer, "地方政府专项债券").fill("30.5")
        expect(
            _funds_row(officer, "地方政府专项债券").locator("output[data-figure=cumulative]")
        ).to_have_text("30.50")
        screenshot(officer, "funding-1-report-form")
        officer.click("input[name=send]")
        expect(officer.locator(".flash")).to_contain_text("已报送")
        funds = officer.locator("section.funding")
        expect(funds.locator("tr:has-text('银行贷款')")).to_contain_text("150")
        expect(funds).to_contain_text("本期未审核，尚未计入")
        screenshot(officer, "funding-2-submitted")

        phone = _login(browser, base, "wenxian", width=390)
        planner = _login(browser, base, "planner")
        with app.app_context():
            report_id = session.scalar(select(StatusReport.id).where(StatusReport.period_id == ids["period"]))
            assert session.get(StatusReport, report_id).status == ReportStatus.SUBMITTED
        planner.goto(f"{base}/reporting/reports/{report_id}")
        planner.click("button:has-text('审核通过')")
        expect(planner.locator(".flash").first).to_contain_text("审核通过")
        planner.goto(f"{base}/projects/{ids['project']}")
        expect(planner.locator("section.funding, .funding").first).to_contain_text("350")
        screenshot(planner, "funding-3-project-after-approval")

        # the form on a phone: the funds table scrolls inside its card, the page does not widen
        phone.goto(form_url)
        expect(phone.locator("#report-funds")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        screenshot(phone, "funding-4-report-form-390")
        browser.close()
