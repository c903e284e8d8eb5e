"""A county officer's day on a phone and a planner's day at a desk, in chromium against a live server.

Officer, 390 px wide: 工作台 → the returned report first → form → photo from the camera → submit; every
officer page is checked for horizontal overflow and the menu button must reveal 退出. Planner, 1440 px:
review queue → this report beside the last approved one → approve → next → 催报, and the officer's badge.
Screenshots go to $SCREENSHOT_DIR (see tests/browser.py).
"""

import io
from datetime import datetime, timedelta

import pytest
from PIL import Image

from portfolio.localtime import local_today
from portfolio.reporting.models import ReportStatus
from tests.browser import MARKS, launch, live_server, screenshot
from tests.factories import PASSWORD, make_period, make_project, make_report, make_user, seed_reference

pytestmark = MARKS
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}


@pytest.fixture
def live(tmp_path):
    def seed():
        plan = seed_reference()
        make_user("planner", "planner", display_name="规划科")
        officer = make_user("wenxian", "county_officer", county="温县", display_name="温县填报员")
        earlier = make_period(plan, f"{plan.end_year}Q3", deadline=local_today() - timedelta(days=20))
        current = make_period(plan, f"{plan.end_year}Q4", deadline=local_today() + timedelta(days=12))
        falling = make_project(name="温县黄河滩区生态修复工程（一期）", counties=["温县"])
        make_report(falling, earlier, ReportStatus.APPROVED, pct="60", invested="300")
        first = make_report(falling, current, ReportStatus.SUBMITTED, pct="50", invested="20")
        second = make_report(
            make_project(name="温县城区雨污分流改造", counties=["温县"]),
            current,
            ReportStatus.SUBMITTED,
            pct="30",
        )
        first.submitted_at, second.submitted_at = datetime(2026, 1, 2), datetime(2026, 1, 3)
        returned = make_project(name="温县污水处理厂提标改造", counties=["温县"])
        make_report(
            returned,
            current,
            ReportStatus.RETURNED,
            pct="40",
            return_reason="本期投资与台账不符，请核实",
            created_by_id=officer.id,
        )
        make_project(name="温县农村黑臭水体治理", counties=["温县"])
        make_project(name="孟州市垃圾填埋场封场", counties=["孟州市"])
        return {"period": current.id, "returned": returned.id, "first": first.id, "second": second.id}

    with live_server(tmp_path, seed, UPLOAD_DIR=str(tmp_path / "uploads")) as served:
        yield served


def _login(browser, base, username, viewport):
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _camera_photo(tmp_path):
    image = Image.effect_noise((3000, 2250), 50).convert("RGB")
    exif = image.getexif()
    exif.get_ifd(0x8769)[0x9003] = "2026:03:14 09:26:53"
    exif.get_ifd(0x8825).update({1: "N", 2: (35.0, 5.0, 24.0), 3: "E", 4: (113.0, 3.0, 36.0)})
    path = tmp_path / "IMG_0001.jpg"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif.tobytes())
    path.write_bytes(out.getvalue())
    return path


def test_officers_day_on_a_phone(live, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    _app, base, ids = live
    with sync_playwright() as p:
        browser = launch(p)
        page = _login(browser, base, "wenxian", PHONE)
        expect(page.locator("h1")).to_have_text("工作台")
        expect(page.locator(".due")).to_contain_text("还剩 12 天")
        first = page.locator(".task-list li").first
        expect(first).to_contain_text("温县污水处理厂提标改造")
        expect(first).to_contain_text("退回原因：本期投资与台账不符")
        assert _overflow(page) == 0
        screenshot(page, "phone-1-officer-home")

        expect(page.locator(".mainnav")).to_be_hidden()
        page.click(".menu-toggle")
        expect(page.locator("button:has-text('退出')")).to_be_visible()
        expect(page.locator(".mainnav a:has-text('项目库')")).to_be_visible()
        assert _overflow(page) == 0
        screenshot(page, "phone-2-menu-open")
        page.click(".menu-toggle")

        first.locator("a.button").click()
        expect(page.locator("h1")).to_contain_text("温县污水处理厂提标改造")
        widths = page.evaluate(
            "[...document.querySelectorAll('form .field')]"
            ".map(f => Math.round(f.getBoundingClientRect().left))"
        )
        assert len(set(widths)) == 1, widths  # one column: every field starts at the same left edge
        page.fill("input[name=invested_wan]", "35")
        page.set_input_files("#camera", str(_camera_photo(tmp_path)))
        assert _overflow(page) == 0
        screenshot(page, "phone-3-form")
        page.click("input[name=send]")
        expect(page.locator(".flash").first).to_contain_text("已报送")
        expect(page.locator(".exif").first).to_contain_text("2026-03-14 09:26")
        expect(page.locator(".exif").nth(1)).to_contain_text("北纬 35.09°，东经 113.06°")
        assert _overflow(page) == 0
        screenshot(page, "phone-4-submitted")

        walked = []
        for path in (
            "/home",
            "/projects",
            f"/projects/{ids['returned']}",
            "/summary",
            "/reporting/periods",
            f"/reporting/periods/{ids['period']}",
            f"/reporting/periods/{ids['period']}/projects/{ids['returned']}/report",
            "/notifications",
            "/exports",
            "/evaluation/",
            "/account/password",
        ):
            page.goto(base + path)
            assert page.locator("h1").count() >= 1, path
            walked.append((path, _overflow(page)))
        screenshot(page, "phone-5-password")
        assert [w for w in walked if w[1] > 0] == []
        browser.close()


def test_planners_day_at_a_desk(live):
    from playwright.sync_api import expect, sync_playwright

    _app, base, ids = live
    with sync_playwright() as p:
        browser = launch(p)
        page = _login(browser, base, "planner", DESK)
        queue = page.locator("table.queue tbody tr")
        expect(queue).to_have_count(2)
        expect(queue.first).to_contain_text("温县黄河滩区生态修复工程（一期）")
        screenshot(page, "desk-1-planner-home")

        queue.first.locator("a:has-text('审核')").click()
        expect(page.locator(".comparison .falling").first).to_contain_text("下降了 10 个百分点")
        screenshot(page, "desk-2-compare")
        page.click("button:has-text('审核通过')")
        expect(page).to_have_url(f"{base}/reporting/reports/{ids['second']}")
        expect(page.locator(".flash").first).to_contain_text("审核通过")
        page.click("button:has-text('审核通过')")
        expect(page).to_have_url(f"{base}/home")
        expect(page.locator(".review-queue")).to_contain_text("没有待审核的报告")

        page.click(".behind button:has-text('全部催报')")
        expect(page.locator(".flash").first).to_contain_text("已催报")
        screenshot(page, "desk-3-reminded")
        page.goto(f"{base}/reporting/reminders?period_id={ids['period']}")
        expect(page.locator(".reminder-history")).to_contain_text("温县填报员")
        screenshot(page, "desk-4-reminder-history")

        officer = _login(browser, base, "wenxian", DESK)
        expect(officer.locator(".unread-count")).to_have_text("1")
        screenshot(officer, "desk-5-officer-home")
        officer.click("a.bell")
        expect(officer.locator(".notice-list")).to_contain_text("温县农村黑臭水体治理")
        browser.close()
