"""Every page as every role reads in Chinese: no field key, enum value, error code, raw JSON, "UTC" or None.

Each role logs in and walks every GET page of a world in which the everyday actions have happened (reports
saved, submitted, approved and returned, a project edited, an assessment overridden, a 催报 sent), so the
audit log, the change logs and the notifications hold real entries. The visible text of each page (text
nodes and tooltips, not scripts or attribute values) is checked. The navigation is checked too: each item's
name is the title of the page it opens.
"""

import re
from html.parser import HTMLParser

import pytest

from portfolio.annex.codes import CODE_LABELS
from portfolio.db import LabelledEnum, session
from portfolio.evaluation.models import ProjectAssessment, ProjectClass
from portfolio.evaluation.services import AssessmentData, save_assessment
from portfolio.projects.models import Project
from portfolio.reporting.models import ReportingPeriod, StatusReport
from portfolio.reporting.reminders import send_reminder
from portfolio.reporting.services import approve_report, return_report, submit_report
from tests.factories import login_as
from tests.test_hostile_requests import GET_RULES, _fill
from tests.world import build_world

ROLES = ("admin", "planner", "reviewer", "officer")


def _all_enums(cls=LabelledEnum):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_enums(sub)


# English values of every LabelledEnum (draft, submitted, lagging, on_schedule …), as whole words.
ENUM_VALUES = sorted({m.value for e in _all_enums() for m in e if re.fullmatch(r"[a-z_]+", m.value)})
CODES = sorted(CODE_LABELS)
PATTERNS = {
    "field key": re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    "enum value": re.compile(r"\b(?:" + "|".join(map(re.escape, ENUM_VALUES)) + r")\b"),
    "error code": re.compile(r"\b(?:" + "|".join(map(re.escape, CODES)) + r")\b"),
    "raw JSON": re.compile(r"[{\[]\s*\"|\"\s*:\s*[\"\d\[{]|\bnull\b|\btrue\b|\bfalse\b"),
    "UTC": re.compile(r"\bUTC\b"),
    "None": re.compile(r"\bNone\b"),
    "4-place amount": re.compile(r"\d\.\d{4}\b"),
    # 导入批次 #12 means nothing to a user: name the file and the date (#,##0.00 is an Excel format)
    "record id": re.compile(r"(?<![#,])#\s?\d+"),
}


class _Visible(HTMLParser):
    """The text a person sees: text outside <script>/<style>, plus title and placeholder tooltips.

    A command line quoted in <code> (export-progress --funding planned) is meant to be typed as it stands."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0
        self.title, self.h1, self._in = "", "", None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self.hidden += 1
        if tag in ("title", "h1") and not getattr(self, tag):
            self._in = tag
        self.parts += [v for k, v in attrs if k in ("title", "placeholder", "aria-label") and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self.hidden -= 1
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self.hidden:
            return
        self.parts.append(data)
        if self._in:
            setattr(self, self._in, getattr(self, self._in) + data)


def visible(html: str) -> _Visible:
    parser = _Visible()
    parser.feed(html)
    return parser


def problems_in(html: str) -> list[str]:
    text = " ".join(visible(html).parts)
    found = []
    for what, pattern in PATTERNS.items():
        match = pattern.search(text)
        if match:
            start = max(match.start() - 30, 0)
            found.append(f"{what} “{match.group(0)}” in …{text[start : match.end() + 30].strip()}…")
    return found


def _everyday(users, world) -> None:
    """The day's actions, through the services, so the logs hold what users really produce."""
    officer, planner = users["officer"], users["planner"]
    own = session.get(StatusReport, world.own["report_id"])
    other = session.get(StatusReport, world.other["report_id"])
    submit_report(officer, own, own.version)
    approve_report(planner, own, own.version)
    submit_report(users["other_officer"], other, other.version)
    return_report(planner, other, "请补充现场照片", other.version)
    assessment = session.get(ProjectAssessment, world.own["assessment_id"])
    save_assessment(
        users["reviewer"],
        assessment,
        AssessmentData(ProjectClass.LAGGING, "现场核实进度滞后", None, "", None),
    )
    project = session.get(Project, world.own["project_id"])
    project.note = None
    send_reminder(planner, session.get(ReportingPeriod, world.own["period_id"]), None)
    session.commit()


@pytest.fixture
def walked(app, users):
    # Accounts named as people name them: the fixture's "planner" or "other_officer" would read as codes.
    for n, user in enumerate(users.values(), start=1):
        user.username, user.display_name = f"zhang{n:02d}", f"张{'一二三四五六'[n - 1]}"
    world = build_world(users)
    _everyday(users, world)
    return world


def _html_pages(client, world):
    for rule in GET_RULES:
        url = _fill(rule, world, None)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200 and response.mimetype == "text/html":
            yield url, response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reads_in_chinese(app, users, walked, role):
    client = app.test_client()
    login_as(client, users[role])
    wrong, pages = [], 0
    for url, html in _html_pages(client, walked):
        pages += 1
        wrong += [f"{url}: {p}" for p in problems_in(html)]
    assert pages >= 15, pages  # the walk really reached the role's pages
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_each_navigation_item_opens_the_page_of_that_name(app, users, walked, role):
    client = app.test_client()
    login_as(client, users[role])
    home = client.get("/home").get_data(as_text=True)
    nav = home.split('<nav class="mainnav">', 1)[1].split("</nav>", 1)[0]
    items = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    assert len(items) >= 4
    wrong = []
    for href, label in items:
        page = visible(client.get(href).get_data(as_text=True))
        title = page.title.split("·", 1)[0].strip()
        if title != label or label not in page.h1:
            wrong.append(f"{label} → title “{title}”, heading “{page.h1.strip()}”")
    assert wrong == []


def test_the_checks_catch_what_they_look_for():
    bad = (
        '<p>final_class：lagging → on_schedule</p><p>annual-sum-mismatch</p><p>{"a": 1}</p>'
        "<p>2025-01-10 08:00 UTC</p><p>None</p><p>1500.0000</p><p>导入批次 #12</p>"
    )
    found = " ".join(problems_in(bad))
    for what in PATTERNS:
        assert what in found, what
    assert problems_in('<p>状态：草稿 → 待审核</p><script>var x = {"a": null};</script>') == []
