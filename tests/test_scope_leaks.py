"""One scope rule for every page and file: a county officer never sees another county's project.

Every GET route is requested as 温县's officer over a world whose evaluation round, period and reports
also hold a 孟州市 project; no HTML page and no workbook (every cell of every sheet) may name it. The
evaluation report's counts and the periods page's counts are checked against the officer's own share.
"""

import io

import openpyxl
import pytest
from sqlalchemy import select

from portfolio.db import session
from portfolio.evaluation.models import EvaluationRound, ProjectAssessment, ProjectClass
from portfolio.evaluation.scope import report_for
from portfolio.projects.models import Project
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
        book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
        return "\n".join(
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
        )
    return ""


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
