"""At 390 px no page of any role is wider than the screen, on the demo portfolio (86 projects).

Each demo account logs in on a phone-sized window and opens every item of its navigation, then a project,
a report, the period page and the summary; the page may not scroll sideways (wide tables scroll inside
their own box). A failure names the elements sticking out. Screenshots of the main pages at 390 px and at
1440 px go to $SCREENSHOT_DIR (see tests/browser.py).
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
EXTRA = ["/projects/1", "/reporting/reports/1", "/notifications", "/account/sessions", "/account/tokens"]

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
            name = re.sub(r"\W+", "-", path.strip("/")) or "home"
            if path in ("/home", "/projects", "/summary", "/projects/1", "/audit", "/dashboard"):
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
