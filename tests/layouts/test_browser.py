"""The done-when path in a real browser, CSRF on: a planner defines the finance bureau's sheet in the layout
editor (no code change), previews it, saves it, and downloads it for 2025Q1 from the export page; the
sheet holds the figures the project pages show. Screenshots go to $SCREENSHOT_DIR."""

import pytest

from tests.browser import MARKS, launch, live_server, login, screenshot
from tests.exports.sheets import open_xlsx
from tests.factories import PASSWORD, make_user, seed_reference
from tests.layouts.data import funded_portfolio

pytestmark = MARKS

COLUMNS = [
    ("项目信息·项目名称", ""),
    ("项目信息·牵头单位", ""),
    ("项目信息·总投资", ""),
    ("计划资金·中央预算内投资", ""),
    ("计划资金·地方政府专项债券", "专项债"),
    ("本年到位资金·全部来源", ""),
]


@pytest.fixture
def live(tmp_path):
    def seed():
        seed_reference()
        make_user("planner", "planner", display_name="市局规划科")
        made = funded_portfolio()
        return {"q1": made["q1"].id}

    with live_server(tmp_path, seed) as served:
        yield served


def test_planner_builds_the_finance_sheet_in_the_browser(live, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    _, base, _ = live
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
        login(page, base, "planner", PASSWORD)
        page.click("nav.mainnav >> text=报表版式")
        page.click("text=新建版式")
        page.fill("input[name=name]", "财政局资金情况表")
        page.fill("input[name=title]", "焦作市“{规划}”重大项目资金情况表（{县区}，{期间}）")
        page.select_option("select[name=grouping]", label="按县区")
        page.select_option("select[name=paper]", "A4")
        page.select_option("select[name=orientation]", label="横向")
        for i, (label, header) in enumerate(COLUMNS):
            page.select_option(f"select[name=columns-{i}-key]", label=label)
            if header:
                page.fill(f"input[name=columns-{i}-header]", header)
            page.select_option(f"select[name=columns-{i}-style]", "text" if i < 2 else "money")
        page.select_option("select[name=preview_period]", label="2025Q1")
        page.click("button[value=preview]")
        expect(page.locator("#preview")).to_contain_text("温县小计（2个）")
        expect(page.locator("#preview")).to_contain_text("1,200.50")
        screenshot(page, "layout-editor-preview")
        page.click("button[value=save]")
        expect(page.locator(".flash")).to_contain_text("已保存报表版式“财政局资金情况表”（第 1 版）")
        page.set_viewport_size(
            {"width": 390, "height": 844}
        )  # a county officer's phone: the page must not widen
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "layout-editor-phone")
        page.goto(f"{base}/layouts")  # the list: one card per layout, not columns a character wide
        cell = page.locator("tr[data-layout='财政局资金情况表'] td").first
        assert cell.evaluate("e => getComputedStyle(e).display") != "table-cell"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "layout-list-phone")
        page.set_viewport_size({"width": 1440, "height": 900})
        page.click("nav.mainnav >> text=调度表导出")
        page.select_option("#f-period", label="2025Q1")
        page.click("text=切换期间")
        row = page.locator("#layouts tr[data-layout='财政局资金情况表']")
        with page.expect_download() as download:
            row.locator("button[type=submit]").click()
        path = tmp_path / "finance.xlsx"
        download.value.save_as(path)
        screenshot(page, "layout-export-page")
        browser.close()
    ws = open_xlsx(path.read_bytes()).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "焦作市“十四五”重大项目资金情况表（2025年第1季度）"
    assert rows[2] == ["项目名称", "牵头单位", "总投资", "中央预算内投资", "专项债", "本年到位资金"]
    assert rows[3] == ["合计（3个项目）", None, 4700.5, 1100, 1700.5, 145.5]
    assert rows[4][0] == "温县小计（2个）" and rows[7][0] == "孟州市小计（1个）"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
