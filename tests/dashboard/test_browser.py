"""The dashboard in a real browser over the demo portfolio (86 projects): every chart draws, the
tables fold away, the tile map shows, and the page prints. Screenshots at 1440 and 390 px."""

import pytest

from tests.browser import MARKS, demo_server, launch, login, screenshot

pytestmark = MARKS

CHARTS = ("by-category", "by-county", "warnings-by-county", "cumulative", "status", "laggards")


@pytest.fixture
def live(tmp_path):
    with demo_server(tmp_path) as served:
        yield served


def test_dashboard_draws_every_chart_and_prints(live, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    _, base, _ = live
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        login(page, base)
        page.click("nav.mainnav >> text=驾驶舱")
        for name in CHARTS:
            expect(page.locator(f'div[data-chart="{name}"] canvas')).to_have_count(1)
        expect(page.locator("details.chart-data[open]")).to_have_count(0)
        # Drawn at the card's width from the start, not at ECharts' 100 px fallback for a hidden element.
        widths = page.eval_on_selector_all("div.chart[data-chart] canvas", "cs => cs.map(c => c.clientWidth)")
        assert min(widths) > 300, widths
        expect(page.locator("a.tile")).to_have_count(11)
        screenshot(page, "dashboard-1440")
        pdf = page.pdf(path=str(tmp_path / "dashboard.pdf"), prefer_css_page_size=True)
        assert pdf[:4] == b"%PDF"
        page.set_viewport_size({"width": 390, "height": 800})
        page.reload()
        screenshot(page, "dashboard-390")
        # The dashboard's own content fits a phone (the shared top bar is issue 12's).
        assert page.evaluate("document.querySelector('main.page').scrollWidth") <= 390
        browser.close()
    assert errors == []
