"""Planners edit a project's planned breakdown by source; a breakdown off the total warns but saves."""

from decimal import Decimal

from sqlalchemy import select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.funding.models import ProjectFunding, ProjectFundingNote
from portfolio.funding.seed import DEFAULT_SOURCES
from tests.factories import make_project
from tests.funding.helpers import amounts_form, sources


def _planned(project_id: int) -> dict[str, Decimal]:
    session.expire_all()
    rows = session.scalars(select(ProjectFunding).where(ProjectFunding.project_id == project_id))
    return {r.source.name: r.amount_wan for r in rows}


def test_the_14th_plan_starts_with_the_eight_sources(app):
    assert [s.name for s in sorted(sources().values(), key=lambda s: s.position)] == [
        name for name, _ in DEFAULT_SOURCES
    ]
    assert len(DEFAULT_SOURCES) == 8


def test_planner_saves_a_breakdown_that_adds_up(role_client):
    project = make_project(total_investment_wan=Decimal("1000"))
    session.commit()
    client = role_client("planner")
    page = client.get(f"/projects/{project.id}/funding").get_data(as_text=True)
    assert "中央预算内投资" in page and "企业自筹及社会资本" in page
    body = amounts_form({"中央预算内投资": "600", "地方政府专项债券": "400"}, version=str(project.version))
    response = client.post(f"/projects/{project.id}/funding", data=body, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "已保存资金来源" in text and "不一致" not in text
    assert _planned(project.id) == {"中央预算内投资": Decimal(600), "地方政府专项债券": Decimal(400)}
    assert '<td>中央预算内投资</td><td class="num">600.00</td>' in text  # the project page shows it
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "project.funding_update"))
    assert entry.after == {"中央预算内投资": "600", "地方政府专项债券": "400"}


def test_a_breakdown_off_the_total_is_saved_with_a_warning(role_client):
    project = make_project(total_investment_wan=Decimal("1000"))
    session.commit()
    client = role_client("planner")
    body = amounts_form({"银行贷款": "1500"}, version=str(project.version), note="另有部分资金待落实")
    text = client.post(f"/projects/{project.id}/funding", data=body, follow_redirects=True).get_data(
        as_text=True
    )
    assert "资金来源合计 1500 万元，与总投资 1000 万元不一致" in text
    assert _planned(project.id) == {"银行贷款": Decimal(1500)}
    assert session.get(ProjectFundingNote, project.id).text == "另有部分资金待落实"
    assert "另有部分资金待落实" in text


def test_clearing_an_amount_removes_it_and_a_stale_form_is_refused(role_client):
    project = make_project()
    session.commit()
    client = role_client("planner")
    version = str(project.version)
    client.post(f"/projects/{project.id}/funding", data=amounts_form({"其他": "10"}, version=version))
    assert _planned(project.id) == {"其他": Decimal(10)}
    stale = client.post(f"/projects/{project.id}/funding", data=amounts_form({}, version=version))
    assert stale.status_code == 409 and "已被他人修改" in stale.get_data(as_text=True)
    assert _planned(project.id) == {"其他": Decimal(10)}
    session.expire_all()
    fresh = amounts_form({}, version=str(session.get(type(project), project.id).version))
    client.post(f"/projects/{project.id}/funding", data=fresh)
    assert _planned(project.id) == {}


def test_negative_amounts_are_refused_in_chinese(role_client):
    project = make_project()
    session.commit()
    client = role_client("planner")
    body = amounts_form({"其他": "-5"}, version=str(project.version))
    response = client.post(f"/projects/{project.id}/funding", data=body)
    assert response.status_code == 200 and "金额不能为负数" in response.get_data(as_text=True)
    assert _planned(project.id) == {}


def test_officers_and_reviewers_cannot_edit_funding(role_client):
    project = make_project()
    session.commit()
    for role in ("officer", "reviewer"):
        assert role_client(role).get(f"/projects/{project.id}/funding").status_code == 403
    # but they see it on the project page
    assert "资金来源（万元）" in role_client("officer").get(f"/projects/{project.id}").get_data(as_text=True)
