"""Every endpoint for every role: the same scope as the web, another county's ids look absent (404 JSON)."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio.db import session
from portfolio.funding.models import ProjectFunding, ReportFunding
from portfolio.projects.models import Milestone, MilestoneKind, Plan
from portfolio.reporting.models import ReportStatus
from tests.api.helpers import get, token
from tests.factories import make_period, make_project, make_report
from tests.funding.helpers import sources

ROLES = ("admin", "planner", "reviewer", "officer", "other_officer")


@pytest.fixture
def register(app, users):
    """Two 温县 projects and one 孟州市 project, one approved report with funds received."""
    plan = session.scalar(select(Plan).order_by(Plan.id))
    wen = make_project(name="温县甲", counties=["温县"], total_investment_wan=Decimal("1000"))
    make_project(name="温县乙", counties=["温县"], total_investment_wan=Decimal("500"))
    meng = make_project(name="孟州甲", counties=["孟州市"], total_investment_wan=Decimal("700"))
    loan = sources()["银行贷款"]
    session.add(ProjectFunding(project_id=wen.id, source_id=loan.id, amount_wan=Decimal(600)))
    report = make_report(wen, make_period(plan, f"{plan.start_year}Q1"), invested="120", pct="30")
    session.add(ReportFunding(report_id=report.id, source_id=loan.id, amount_wan=Decimal(150)))
    wen.milestones.append(Milestone(kind=MilestoneKind.GROUNDBREAKING, title="开工"))
    session.commit()
    return {
        "wen": wen.id,
        "meng": meng.id,
        "report": report.id,
        "tokens": {r: token(users[r]) for r in ROLES},
    }


VISIBLE = {
    "admin": {"温县甲", "温县乙", "孟州甲"},
    "planner": {"温县甲", "温县乙", "孟州甲"},
    "reviewer": {"温县甲", "温县乙", "孟州甲"},
    "officer": {"温县甲", "温县乙"},
    "other_officer": {"孟州甲"},
}


@pytest.mark.parametrize("role", ROLES)
def test_projects_list_is_scoped_like_the_web(app, register, role):
    response = get(app.test_client(), "/api/v1/projects?per_page=200", register["tokens"][role])
    body = response.get_json()
    assert response.status_code == 200 and set(body) >= {"projects", "total", "page"}
    assert {p["name"] for p in body["projects"]} == VISIBLE[role] and body["total"] == len(VISIBLE[role])
    assert body["page"] == 1


@pytest.mark.parametrize("role", ROLES)
def test_project_detail_and_another_countys_id(app, register, role):
    client = app.test_client()
    for key, name in (("wen", "温县甲"), ("meng", "孟州甲")):
        response = get(client, f"/api/v1/projects/{register[key]}", register["tokens"][role])
        if name in VISIBLE[role]:
            assert response.status_code == 200 and response.get_json()["name"] == name
        else:
            assert response.status_code == 404 and response.is_json
            assert "无权" in response.get_json()["error"]["message"]


def test_detail_carries_reports_milestones_and_funding(app, register):
    body = get(
        app.test_client(), f"/api/v1/projects/{register['wen']}", register["tokens"]["officer"]
    ).get_json()
    assert body["total_investment_wan"] == 1000 and body["locations"] == ["温县"]
    assert body["status"] == {"code": "under_construction", "label": "在建"}
    [report] = body["reports"]
    assert report["status"]["code"] == "approved" and report["invested_wan"] == 120
    assert report["funds_received_wan"] == {"银行贷款": 150}
    assert body["funding"]["planned_wan"] == {"银行贷款": 600}
    assert body["funding"]["received_cumulative_wan"] == {"银行贷款": 150}
    assert "不一致" in body["funding"]["warning"]  # 600 of a 1000 total
    assert body["milestones"][0]["kind"]["label"] == "开工"
    assert body["progress"]["cumulative_invested_wan"] == 120 and body["progress"]["percent_complete"] == 30


def test_paging_and_per_page_bounds(app, register):
    client, planner = app.test_client(), register["tokens"]["planner"]
    first = get(client, "/api/v1/projects?per_page=2&sort=name", planner).get_json()
    second = get(client, "/api/v1/projects?per_page=2&page=2&sort=name", planner).get_json()
    assert (first["total"], first["page"], len(first["projects"])) == (3, 1, 2)
    assert (second["page"], len(second["projects"])) == (2, 1)
    assert not {p["id"] for p in first["projects"]} & {p["id"] for p in second["projects"]}
    for bad in ("201", "0", "abc"):
        response = get(client, f"/api/v1/projects?per_page={bad}", planner)
        assert response.status_code == 400 and "per_page" in response.get_json()["error"]["message"]
    assert get(client, "/api/v1/projects?per_page=200", planner).status_code == 200


def test_filters_are_the_lists_filters(app, register):
    body = get(app.test_client(), "/api/v1/projects?q=孟州", register["tokens"]["admin"]).get_json()
    assert [p["name"] for p in body["projects"]] == ["孟州甲"]


@pytest.mark.parametrize("role", ROLES)
def test_summary_adds_up_the_visible_projects_by_source(app, register, role):
    body = get(app.test_client(), "/api/v1/summary", register["tokens"][role]).get_json()
    totals = {"温县甲": 1000, "温县乙": 500, "孟州甲": 700}
    assert body["total"]["total_investment_wan"] == sum(totals[n] for n in VISIBLE[role])
    loan = next(s for s in body["by_source"] if s["source"] == "银行贷款")
    sees_wen = "温县甲" in VISIBLE[role]
    assert (loan["planned_wan"], loan["received_wan"]) == ((600, 150) if sees_wen else (0, 0))


@pytest.mark.parametrize("role", ROLES)
def test_periods(app, register, role):
    body = get(app.test_client(), "/api/v1/periods", register["tokens"][role]).get_json()
    [period] = body["periods"]
    assert period["code"].endswith("Q1") and period["kind"]["label"] == "季度"


def test_draft_reports_show_on_the_detail_like_the_web_history(app, register):
    plan = session.scalar(select(Plan).order_by(Plan.id))
    wen = register["wen"]
    from portfolio.projects.models import Project

    make_report(
        session.get(Project, wen), make_period(plan, f"{plan.start_year}Q2"), status=ReportStatus.DRAFT
    )
    session.commit()
    body = get(app.test_client(), f"/api/v1/projects/{wen}", register["tokens"]["officer"]).get_json()
    assert [r["status"]["code"] for r in body["reports"]] == ["draft", "approved"]
    assert body["progress"]["cumulative_invested_wan"] == 120  # drafts never count


def test_openapi_documents_every_endpoint(app, register):
    doc = get(app.test_client(), "/api/v1/openapi.json", register["tokens"]["officer"]).get_json()
    assert (
        doc["openapi"].startswith("3.")
        and doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    )
    rules = {
        re.sub(r"<(?:int:)?(\w+)>", r"{\1}", r.rule.removeprefix("/api/v1"))
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("api.")
    }
    assert set(doc["paths"]) == rules
    per_page = next(p for p in doc["paths"]["/projects"]["get"]["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 200
    assert (
        doc["components"]["responses"]["RateLimited"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    )
