"""A reviewer's round in a real browser against a real server, with CSRF on: override one project's class
with a reason, finalize, download the report. Screenshots go to /work/notes/shots/."""

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portfolio.db import session
from portfolio.evaluation.indicators import load_indicators
from portfolio.evaluation.models import EvaluationRound, ProjectAssessment, RoundStatus
from portfolio.evaluation.services import create_round, default_rounds
from tests.browser import MARKS, launch, live_server, screenshot
from tests.evaluation.fixtures import build_portfolio
from tests.factories import PASSWORD, make_user, seed_reference

pytestmark = MARKS


@pytest.fixture
def live(tmp_path):
    """The hand-computed portfolio with an open mid-term round, served live."""

    def seed():
        plan = seed_reference()
        make_user("reviewer", "reviewer", display_name="评估专家组")
        load_indicators(plan)
        projects = build_portfolio(plan)
        round_ = create_round(None, plan, *default_rounds(plan)[0])
        session.flush()
        return {"round": round_.id, "project": projects["E"].id, "name": projects["E"].name}

    with live_server(tmp_path, seed) as served:
        yield served


def test_reviewer_overrides_finalizes_and_downloads(live):
    from playwright.sync_api import expect, sync_playwright

    app, base, ids = live
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "reviewer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.click("nav.mainnav >> text=规划评估")
        page.click(f"a[href='/evaluation/rounds/{ids['round']}']")
        page.click(f"text={ids['name']}")
        page.select_option("select[name=final_class]", "on_schedule")
        page.fill("textarea[name=comment]", "现场核查进度正常")
        page.click("#save-assessment")
        expect(page.locator(".flash")).to_contain_text("必须填写调整理由")  # nothing typed is lost
        expect(page.locator("textarea[name=comment]")).to_have_value("现场核查进度正常")
        page.fill("textarea[name=override_reason]", "征地已于次月完成，进度报告滞后一期")
        page.fill("input[name=score]", "82")
        page.click("#save-assessment")
        expect(page.locator(".flash")).to_contain_text("评估意见已保存")
        row = page.locator(f"tr:has-text('{ids['name']}')")
        expect(row).to_contain_text("已调整")
        page.click("#finalize")
        expect(page.locator(".flash")).to_contain_text("已定稿")
        expect(page.locator("h1")).to_contain_text("已定稿")
        expect(page.locator("body")).to_contain_text("征地已于次月完成")
        screenshot(page, "evaluation-report-finalized")
        with page.expect_download() as info:
            page.click("#download-report")
        download = info.value
        assert download.suggested_filename.endswith(".xlsx") and "中期评估" in download.suggested_filename
        workbook = load_workbook(BytesIO(Path(download.path()).read_bytes()))
        browser.close()
    comments = list(workbook["评审意见"].iter_rows(min_row=2, values_only=True))
    assert any(r[1] == ids["name"] and r[3] == "符合序时进度" and "征地" in r[4] for r in comments)
    with app.app_context():
        round_ = session.get(EvaluationRound, ids["round"])
        assert round_.status == RoundStatus.FINALIZED
        mine = session.scalar(select(ProjectAssessment).where(ProjectAssessment.project_id == ids["project"]))
        assert mine.final_class.value == "on_schedule" and mine.score == 82
        frozen = next(r for r in round_.snapshot["projects"] if r["project_id"] == ids["project"])
        assert frozen["overridden"] and frozen["reviewer"] == "评估专家组"
