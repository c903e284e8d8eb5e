"""At 390 px no page of any role is wider than the screen, on the demo portfolio (86 projects).

Each demo account logs in on a phone-sized window and opens every item of its navigation, then a project,
a report, the period page and the summary; the page may not scroll sideways (wide tables scroll inside
their own box). A failure names the elements sticking out. A table shown as cards (table.cards) and the
资金来源 settings table may not scroll inside their box either, and no two labels of a dashboard chart may
overlap. Screenshots of the main pages at 390 px and at 1440 px go to $SCREENSHOT_DIR (see tests/browser.py).
"""

import re

import pytest

from tests.browser import MARKS, demo_server, launch, login, screenshot

pytestmark = MARKS
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}
ACCOUNTS = {
    "admin": "Admin#2026",
    "planner": "Planner#2026",
    "reviewer": "Reviewer#2026",
    "wenxian": "County#2026",
}
# Pages every role opens besides its navigation (those it may not see answer 403/404 and are skipped).
EXTRA = [
    "/projects/1",
    "/reporting/reports/1",
    "/notifications",
    "/account/sessions",
    "/account/tokens",
    "/funding/sources",
    "/dashboard",
]
# Pages where nothing may scroll sideways even inside its own box (their tables are cards on a phone).
NOTHING_SCROLLS = {"/funding/sources"}
SCROLLING_BOXES = """(all) => [...document.querySelectorAll(all ? 'body *' : 'table.cards')]
  .filter(e => !e.matches('input, textarea, select'))  // a long value scrolls inside its field, as it should
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
  .slice(0, 4)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
    + ' +' + (e.scrollWidth - e.clientWidth))"""
# Texts drawn by each ECharts chart (axis labels, names, legend, values) whose boxes overlap.
OVERLAPPING_LABELS = """() => {
  const found = [];
  document.querySelectorAll('div.chart[data-chart]').forEach(el => {
    const chart = window.echarts && echarts.getInstanceByDom(el);
    if (!chart) return;
    const boxes = [];
    chart.getZr().storage.getDisplayList().forEach(d => {
      if (!d.style || typeof d.style.text !== 'string' || !d.style.text.trim() || d.invisible) return;
      const r = d.getBoundingRect().clone();
      const m = d.getComputedTransform();
      if (m) r.applyTransform(m);
      boxes.push([d.style.text, r]);
    });
    boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, q]) => {
      const dx = Math.min(r.x + r.width, q.x + q.width) - Math.max(r.x, q.x);
      const dy = Math.min(r.y + r.height, q.y + q.height) - Math.max(r.y, q.y);
      if (dx > 1 && dy > 1) found.push(el.getAttribute('data-chart') + ': ' + a + ' × ' + b);
    }));
  });
  return found.slice(0, 6);
}"""

WIDEST = """() => {
  const limit = window.innerWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit + 1 && !e.closest('.table-box, table.grid, .chart'))
    .slice(0, 4)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
      + ' ' + Math.round(e.getBoundingClientRect().right));
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("phones")) as served:
        yield served


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _nav(page) -> list[str]:
    return page.eval_on_selector_all("nav.mainnav a", "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("username", ACCOUNTS)
def test_no_page_is_wider_than_a_phone(demo, username):
    from playwright.sync_api import sync_playwright

    _app, base, _ids = demo
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        login(page, base, username, ACCOUNTS[username])
        page.wait_for_selector("nav.mainnav a", state="attached")
        paths = list(dict.fromkeys([*_nav(page), *EXTRA]))
        assert len(paths) >= 8
        wide, walked = [], 0
        for path in paths:
            response = page.goto(base + path)
            if response.status >= 400:
                continue
            walked += 1
            if _overflow(page) > 0:
                wide.append(f"{path} +{_overflow(page)} px: {page.evaluate(WIDEST)}")
            scrolling = page.evaluate(SCROLLING_BOXES, path in NOTHING_SCROLLS)
            if scrolling:
                wide.append(f"{path} scrolls sideways inside: {scrolling}")
            overlapping = page.evaluate(OVERLAPPING_LABELS)
            if overlapping:
                wide.append(f"{path} chart labels overlap: {overlapping}")
            name = re.sub(r"\W+", "-", path.strip("/")) or "home"
            if path in (
                "/home",
                "/projects",
                "/summary",
                "/projects/1",
                "/audit",
                "/dashboard",
                "/funding/sources",
            ):
                screenshot(page, f"phone-{username}-{name}")
        browser.close()
    assert walked >= 8
    assert wide == [], "\n".join(wide)


def test_main_pages_at_a_desk(demo):
    """Desk-width screenshots of the same pages, and no sideways scrolling there either."""
    from playwright.sync_api import sync_playwright

    _app, base, _ids = demo
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(viewport=DESK, locale="zh-CN").new_page()
        login(page, base, "planner", ACCOUNTS["planner"])
        page.wait_for_selector("nav.mainnav a", state="attached")
        wide = []
        for path in ("/home", "/projects", "/summary", "/projects/1", "/reporting/periods/8", "/audit"):
            page.goto(base + path)
            if _overflow(page) > 0:
                wide.append(path)
            screenshot(page, "desk-planner-" + (re.sub(r"\W+", "-", path.strip("/")) or "home"))
        browser.close()
    assert wide == []
