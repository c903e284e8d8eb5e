"""The 督办 loop in a real browser, CSRF on: a red project is offered → the planner issues an item → the
county officer answers with a photo → the planner closes it. At each step the home pages, the project page
and the 督办清单 say where the item stands. Screenshots go to $SCREENSHOT_DIR."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.browser import MARKS, launch, live_server, screenshot
from tests.exports.data import portfolio
from tests.factories import PASSWORD, make_user, seed_reference
from tests.world import PNG

pytestmark = MARKS


@pytest.fixture
def live(tmp_path):
    def seed():
        seed_reference()
        make_user("planner", "planner", display_name="市局规划科")
        make_user("officer", "county_officer", county="温县", display_name="温县填报员")
        made = portfolio()
        return {"project": made["b"].id, "name": made["b"].name}

    with live_server(tmp_path, seed, UPLOAD_DIR=str(tmp_path / "uploads")) as served:
        yield served


def _login(browser, base: str, username: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return page


def _sheet_state(page, base: str, name: str) -> tuple:
    """(督办编号, 办理状态, 答复情况) of the project's row in the downloaded 督办清单."""
    content = page.request.get(f"{base}/exports/supervision.xlsx").body()
    rows = list(load_workbook(BytesIO(content))["督办清单"].iter_rows(values_only=True))
    row = next(r for r in rows if name in r)
    return tuple(row[-3:])


def _check(page, base, ids, state: str, home_has: bool, officer=None):
    from playwright.sync_api import expect

    page.goto(f"{base}/projects/{ids['project']}")
    expect(page.locator("#supervision")).to_contain_text(state)
    assert _sheet_state(page, base, ids["name"])[1].startswith(state)
    if officer is not None:
        officer.goto(f"{base}/home")
        listed = officer.locator(".supervision-home li")
        expect(listed).to_have_count(1 if home_has else 0)


def test_red_project_issued_answered_closed(live, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    _, base, ids = live
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    with sync_playwright() as p:
        browser = launch(p)
        planner = _login(browser, base, "planner")
        officer = _login(browser, base, "officer")

        planner.click("nav.mainnav >> text=督办")
        offered = planner.locator(f"#offered tr[data-project-id='{ids['project']}']")
        expect(offered).to_be_visible()
        offered.locator("text=下达督办").click()
        planner.fill("textarea[name=measures_required]", "增派施工力量，月底前完成光伏板安装")
        planner.click("button[type=submit] >> text=下达督办")
        expect(planner.locator(".flash")).to_contain_text("督办〔")
        code = planner.locator("h1").inner_text().split(" ")[0]
        screenshot(planner, "supervision-issued")
        _check(planner, base, ids, "待答复", True, officer)
        planner.goto(f"{base}/home")
        expect(planner.locator(".supervision-home")).to_contain_text(code)

        officer.locator(".supervision-home a").first.click()
        officer.fill("textarea[name=measures_taken]", "已增派两个施工班组")
        officer.fill("textarea[name=progress]", "光伏板安装完成 60%")
        officer.set_input_files("input[name=files]", str(photo))
        officer.click("#answer button[type=submit]")
        expect(officer.locator(".flash")).to_contain_text("已答复")
        expect(officer.locator("table.history")).to_contain_text("现场照片.png")
        _check(planner, base, ids, "已答复待审", False, officer)
        assert "已增派两个施工班组" in _sheet_state(planner, base, ids["name"])[2]

        planner.goto(f"{base}/home")
        planner.locator(".supervision-home a", has_text=code).click()
        planner.fill("#decide textarea[name=note]", "整改到位，同意办结")
        planner.click("#close-item")
        expect(planner.locator(".flash")).to_contain_text("已办结")
        screenshot(planner, "supervision-closed")
        _check(planner, base, ids, "已办结", False, officer)
        planner.goto(f"{base}/home")
        expect(planner.locator(".supervision-home")).to_have_count(0)
        browser.close()
