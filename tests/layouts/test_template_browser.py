"""A layout issued as a fill-in template, in a real browser with CSRF on: a planner ticks 填报 on three
columns of a layout in the editor; a county officer downloads the layout's template from the export page,
fills it in, uploads it through the ordinary 离线填报 form, previews and confirms. Screenshots go to
$SCREENSHOT_DIR."""

import io
from datetime import timedelta

import openpyxl
import pytest

from portfolio.localtime import local_today
from tests.browser import MARKS, launch, live_server, login, screenshot
from tests.factories import PASSWORD, make_period, make_project, make_user, seed_reference

pytestmark = MARKS
NAME = "县区月报"


@pytest.fixture
def live(tmp_path):
    def seed():
        from portfolio.layouts.services import save_layout
        from portfolio.layouts.spec import LayoutColumn, LayoutSpec

        seed_reference()
        planner = make_user("planner", "planner", display_name="市局规划科")
        make_user("officer", "county_officer", county="温县")
        project = make_project(name="温县一号工程")
        make_project(name="孟州市工程", counties=["孟州市"])
        period = make_period(project.plan, "2025Q4", deadline=local_today() + timedelta(days=30))
        columns = [
            LayoutColumn("name", "项目", 30),
            LayoutColumn("progress_text", "进展情况", 30),
            LayoutColumn("percent_complete", "完成比例", 10, "rate"),
            LayoutColumn("period_invested", "本期完成投资", 12, "money"),
        ]
        save_layout(planner, None, NAME, LayoutSpec("{期间}月报", columns))
        return {"period": period.id}

    with live_server(tmp_path, seed) as served:
        yield served


def _fill(path) -> bytes:
    wb = openpyxl.load_workbook(path)
    ws = wb["进度填报"]
    cols = {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    assert ws.cell(4, cols["项目"]).value == "温县一号工程" and ws.cell(5, cols["项目ID"]).value is None
    for header, value in (("进展情况", "主体完工"), ("完成比例", 40), ("本期完成投资", 75)):
        ws.cell(4, cols[header]).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_planner_marks_inputs_and_an_officer_round_trips_the_template(live, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    _, base, ids = live
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
        login(page, base, "planner", PASSWORD)
        page.goto(f"{base}/layouts")
        page.locator(f"tr[data-layout='{NAME}'] >> text=编辑").click()
        for i in (1, 2, 3):
            page.check(f"input[name=columns-{i}-input]")
        page.click("button[value=save]")
        expect(page.locator(".flash")).to_contain_text(f"已保存报表版式“{NAME}”（第 2 版）")
        expect(page.locator("#input-hint")).to_contain_text("本版式现有 3 个填报列")
        screenshot(page, "layout-template-editor")

        officer = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
        login(officer, base, "officer", PASSWORD)
        officer.goto(f"{base}/exports?period={ids['period']}")
        row = officer.locator(f"#layouts tr[data-layout='{NAME}']")
        with officer.expect_download() as download:
            row.locator("text=下载填报模板").click()
        path = tmp_path / "template.xlsx"
        download.value.save_as(path)
        filled = tmp_path / "filled.xlsx"
        filled.write_bytes(_fill(path))
        officer.select_option("select[name=period_id]", label="2025Q4")
        officer.set_input_files("input[name=file]", str(filled))
        officer.click("text=上传并预览")
        expect(officer.locator("body")).to_contain_text(f"由报表版式“{NAME}”下发的填报模板")
        screenshot(officer, "layout-template-preview-phone")
        officer.click("text=确认报送 1 份报告")
        expect(officer.locator(".flash")).to_contain_text("已报送 1 份进度报告")
        browser.close()
