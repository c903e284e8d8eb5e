"""One scope rule for every page and file: a county officer never sees another county's project.

Every GET route is requested as 温县's officer over a world whose evaluation round, period and reports
also hold a 孟州市 project; no HTML page and no workbook (every cell of every sheet) may name it. The
evaluation report's counts and the periods page's counts are checked against the officer's own share.
"""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from portfolio.db import session
from portfolio.evaluation.models import EvaluationRound, ProjectAssessment, ProjectClass
from portfolio.evaluation.scope import report_for
from portfolio.projects.models import Project
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.selection import list_periods
from tests.factories import login_as, make_project
from tests.test_hostile_requests import GET_RULES, _fill
from tests.world import build_world

OTHER = "孟州市污水处理厂提标"
SHARED = "温孟两县共建生态廊道"


@pytest.fixture
def world(app, users):
    built = build_world(users)
    round_ = session.get(EvaluationRound, built.own["round_id"])
    foreign = session.scalar(select(Project).where(Project.name == OTHER))
    shared = make_project(name=SHARED, counties=["孟州市"], units=["孟州市人民政府", "温县人民政府"])
    for project in (foreign, shared):
        session.add(
            ProjectAssessment(
                round=round_,
                project=project,
                computed_class=ProjectClass.LAGGING,
                final_class=ProjectClass.LAGGING,
                comment=f"{project.name}评审意见",
            )
        )
    session.commit()
    return built


def _text(response) -> str:
    if response.mimetype == "text/html":
        return response.get_data(as_text=True)
    if response.data[:2] == b"PK":
        return _zip_text(response.data)
    return ""


def _zip_text(data: bytes) -> str:
    """Every cell of a workbook, or of every workbook in a zip of workbooks (/layouts/all.zip)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    if "[Content_Types].xml" not in archive.namelist():
        return "\n".join(_zip_text(archive.read(name)) for name in archive.namelist())
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )


def test_officer_sees_no_other_county_on_any_page_or_file(app, users, world):
    client = app.test_client()
    login_as(client, users["officer"])
    leaks, walked = [], 0
    for rule in GET_RULES:
        url = _fill(rule, world, None)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            walked += 1
            if OTHER in _text(response):
                leaks.append(url)
    assert leaks == []
    assert walked >= 20


def test_evaluation_report_counts_only_the_officers_projects(app, users, world):
    round_ = session.get(EvaluationRound, world.own["round_id"])
    everyone = report_for(round_, users["planner"])
    mine = report_for(round_, users["officer"])
    assert len(everyone["projects"]) == 3
    names = {r["name"] for r in mine["projects"]}
    assert OTHER not in names and SHARED in names and len(names) == 2  # co-responsible project included
    assert mine["by_category"][-1]["projects"] == 2
    assert sum(mine["class_counts"].values()) == 2
    assert all(OTHER not in str(g) for g in mine["by_county"])


def _normalised(response) -> str:
    """The page or workbook as text, without what changes from one request to the next (tokens, times)."""
    text = re.sub(r'(csrf[-_]token"?\s+(value|content)=")[^"]+', r"\1", _text(response))
    text = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", text)
    return re.sub(r"\d{1,2}:\d{2}(:\d{2})?", "hh:mm", text)


def _officer_view(client, world) -> dict[str, str]:
    pages = {}
    for rule in GET_RULES:
        url = _fill(rule, world, None)
        response = client.get(url)
        if response.status_code == 200:
            pages[url] = _normalised(response)
    return pages


def _add_foreign_data(users, world) -> None:
    """More of 孟州市: projects with a report in every state, an assessment and a 督办 item each."""
    period = session.get(ReportingPeriod, world.own["period_id"])
    round_ = session.get(EvaluationRound, world.own["round_id"])
    for status in ReportStatus:
        project = make_project(
            name=f"孟州市{status.label}项目", counties=["孟州市"], annual={period.year: 10}
        )
        session.add(
            StatusReport(
                project=project,
                period=period,
                status=status,
                progress_text="施工中",
                percent_complete=Decimal("55"),
                invested_wan=Decimal("7"),
                created_by_id=users["other_officer"].id,
            )
        )
        session.add(
            ProjectAssessment(
                round=round_,
                project=project,
                computed_class=ProjectClass.LAGGING,
                final_class=ProjectClass.LAGGING,
            )
        )
    session.commit()


def test_officer_pages_do_not_change_when_other_counties_change(app, users, world):
    """The class behind "counts not scoped": nothing an officer sees (a count, a sum, a rate, a row)
    may depend on another county's data. Every GET page and file is read before and after 孟州市 gets
    four more projects with reports and assessments; each must come out the same."""
    client = app.test_client()
    login_as(client, users["officer"])
    before = _officer_view(client, world)
    _add_foreign_data(users, world)
    after = _officer_view(client, world)
    assert len(before) >= 20 and before.keys() == after.keys()
    changed = [url for url in before if before[url] != after[url]]
    assert changed == []


def test_periods_page_counts_are_scoped(app, users, world):
    (_, everyone), *_ = list_periods(users["planner"])
    (_, mine), *_ = list_periods(users["officer"])
    assert sum(everyone.values()) == 2 and sum(mine.values()) == 1
