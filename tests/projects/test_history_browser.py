"""进度历史 in a real browser over the demo portfolio (86 projects): the grid pages, filters by warning,
downloads the sheet with the same filters, and fits a phone by scrolling the grid, not the page."""

import openpyxl
import pytest

from tests.browser import MARKS, demo_server, launch, login, screenshot

pytestmark = MARKS


@pytest.fixture
def live(tmp_path):
    with demo_server(tmp_path) as served:
        yield served


def test_history_grid_filters_pages_and_downloads(live, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    _, base, _ = live
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(
            viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        login(page, base)
        page.click("nav.mainnav >> text=进度历史")
        expect(page.locator("#history-total")).to_have_text("86")
        expect(page.locator("#history-grid thead th[data-period]")).to_have_count(8)
        expect(page.locator("#history-grid tbody tr")).to_have_count(50)
        expect(page.locator("#history-grid tbody tr").first.locator("td.history-cell")).to_have_count(8)
        screenshot(page, "history-1440")
        page.click("nav.pagination >> text=下一页")
        expect(page.locator("#history-grid tbody tr")).to_have_count(36)

        page.select_option("#f-level", "red")
        page.click("form.filters button[type=submit]")
        red = int(page.locator("#history-total").inner_text())
        assert 0 < red < 86
        last_cells = page.locator("#history-grid tbody tr td.history-cell:last-child")
        expect(last_cells).to_have_count(red)
        assert set(last_cells.evaluate_all("cells => cells.map(c => c.dataset.level)")) == {"red"}
        with page.expect_download() as download:
            page.click("#history-download")
        path = tmp_path / "history.xlsx"
        download.value.save_as(path)
        assert "进度历史表" in download.value.suggested_filename
        ws = openpyxl.load_workbook(path)["进度历史表"]
        numbered = [r for r in ws.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
        assert len(numbered) == red
        assert {r[5 + 4 * 7] for r in numbered} == {"红色预警"}  # the last period's warning

        page.set_viewport_size({"width": 390, "height": 800})
        page.reload()
        screenshot(page, "history-390")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] + 1, widths  # the grid scrolls inside its box; the page does not
        assert not errors
        browser.close()
