"""Every table of figures is followed by its 口径说明 panel, for every role.

A data table is a `<table class="grid …">` (the house class; `kv` tables lay out one record's fields). It
holds figures when a cell is a number (`td`/`th` of class `num`); a grid of names, dates and states
(accounts, sessions, tokens, the audit log, attachments) needs no panel. Each role walks every GET page of
a world in which the everyday actions have happened (tests/test_page_text.py), and each table of figures
must have a `<details class="notes">` panel after it. The few pages whose numbers are
bookkeeping rather than measures are listed in NO_FIGURES with what they count.
"""

from html.parser import HTMLParser

from tests.factories import login_as
from tests.test_page_text import ROLES, _everyday, _html_pages
from tests.world import build_world

# URL prefixes of pages whose tables list things, not measured figures.
NO_FIGURES = (
    "/plans",  # plan settings: how many projects each plan and category holds
    "/layouts",  # sheet layouts: how many columns each has, its version
    "/annex",  # import batches: rows created/updated/unchanged, amounts as read from the file
)


class _Tables(HTMLParser):
    """Where the tables of figures end and where the notes panels start, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events, self.open = [], []  # open: for each open <table>, [is grid, holds a figure]

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            self.open.append(["grid" in classes, False])
        elif tag in ("td", "th") and "num" in classes and self.open:
            self.open[-1][1] = True
        elif tag == "details" and "notes" in classes:
            self.events.append("notes")

    def handle_endtag(self, tag):
        if tag == "table" and self.open:
            grid, figures = self.open.pop()
            if grid and figures:
                self.events.append("table")


def tables_without_notes(html: str) -> int:
    """How many grid tables have no 口径说明 panel anywhere after them."""
    parser = _Tables()
    parser.feed(html)
    missing = 0
    for n, event in enumerate(parser.events):
        if event == "table" and "notes" not in parser.events[n + 1 :]:
            missing += 1
    return missing


def test_every_table_of_figures_has_its_notes_after_it(app, users):
    for n, user in enumerate(users.values(), start=1):
        user.username, user.display_name = f"zhang{n:02d}", f"张{'一二三四五六'[n - 1]}"
    world = build_world(users)
    _everyday(users, world)
    wrong, checked = [], set()
    for role in ROLES:
        client = app.test_client()
        login_as(client, users[role])
        for url, html in _html_pages(client, world):
            if url.startswith(NO_FIGURES):
                continue
            missing = tables_without_notes(html)
            if '<table class="grid' in html:
                checked.add(url)
            if missing:
                wrong.append(f"{url} as {role}: {missing} table(s) without 口径说明")
    assert len(checked) >= 20, sorted(checked)  # the walk really reached pages with tables
    assert wrong == [], "\n".join(sorted(set(wrong)))


def test_the_check_sees_a_table_without_notes():
    figures = '<table class="grid"><tr><td class="num">1</td></tr></table>'
    nested = f'<table class="grid"><tr><td class="num">2</td><td>{figures}</td></tr></table>'
    notes = '<details class="notes"><summary>口径说明</summary></details>'
    assert tables_without_notes(nested) == 2
    assert tables_without_notes(nested + notes) == 0
    assert tables_without_notes(notes + nested) == 2
    assert tables_without_notes(figures + notes + figures) == 1
    assert tables_without_notes('<table class="grid"><tr><td>张一</td></tr></table>') == 0
    assert tables_without_notes('<table class="kv"><tr><td class="num">1</td></tr></table>') == 0
