from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.projects.codes import check_digit
from portfolio.projects.models import Milestone, MilestoneKind, Project
from tests.factories import make_project

BODY = "20214108000401123456789"
GOOD_CODE = BODY + str(check_digit(BODY))


def _form(project, **changes) -> dict:
    data = {
        "version": str(project.version),
        "name": project.name,
        "nature": "新建",
        "content": "建设内容",
        "start_year": "2021",
        "end_year": "2025",
        "total_investment_wan": "1000",
        "span_investment_wan": "800",
        "planned_start": "2021-03",
        "planned_end": "2023-10",
        "status": "under_construction",
        "project_code": "",
        "note": "",
        **{f"annual-{i}": "" for i in range(5)},
        "annual-0": "100",
    }
    data.update(changes)
    return data


def _reload(project_id: int) -> Project:
    session.expire_all()
    return session.get(Project, project_id)


def test_planner_edits_fields_and_each_change_is_audited(role_client, app):
    project = make_project()
    session.commit()
    client = role_client("planner")
    assert "2021年计划投资" in client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    response = client.post(
        f"/projects/{project.id}/edit",
        data=_form(
            project,
            total_investment_wan="1200.5",
            project_code=GOOD_CODE,
            adjust_reason="追加配套管网",  # a change of investment is a plan adjustment
            adjust_doc_number="焦环〔2024〕3号",
            **{"annual-1": "50"},
        ),
    )
    assert response.status_code == 302
    project = _reload(project.id)
    assert project.total_investment_wan == Decimal("1200.5") and project.project_code == GOOD_CODE
    assert project.planned_start == date(2021, 3, 1)
    assert {p.year: p.amount_wan for p in project.annual_plans}[2022] == Decimal(50)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "project.update"))
    assert entry.before["total_investment_wan"] == "1000" and entry.after["total_investment_wan"] == "1200.5"
    assert entry.after["2022年计划投资"] == "50"
    history = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "修改项目信息" in history and "1,200.5" in history  # the amount rule


def test_stale_form_is_refused_and_keeps_the_input(role_client, app):
    project = make_project()
    session.commit()
    client = role_client("planner")
    stale = _form(project, name="我的修改")
    assert (
        client.post(f"/projects/{project.id}/edit", data=_form(project, note="他人先改")).status_code == 302
    )
    response = client.post(f"/projects/{project.id}/edit", data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "已被他人修改" in page and "我的修改" in page
    assert _reload(project.id).name != "我的修改"


def test_bad_values_are_explained_and_nothing_is_written(role_client, app):
    project = make_project()
    session.commit()
    client = role_client("planner")
    bad_code = BODY + str((check_digit(BODY) + 1) % 10)
    page = client.post(
        f"/projects/{project.id}/edit",
        data=_form(project, span_investment_wan="2000", project_code=bad_code, start_year="2026"),
    ).get_data(as_text=True)
    # amounts read as on every page (2,000.00 万元), not as the stored decimal (2000.0000)
    span_too_big = "规划期投资（2,000.00 万元）不能大于总投资（1,000.00 万元）"
    for text in (span_too_big, "校验位错误", "建设起始年份不能晚于建设结束年份"):
        assert text in page
    page = client.post(f"/projects/{project.id}/edit", data=_form(project, total_investment_wan="-5"))
    assert "总投资不能为负数" in page.get_data(as_text=True)
    assert _reload(project.id).total_investment_wan == Decimal(1000)


def test_only_planners_and_admins_edit(role_client, app):
    project = make_project()
    session.commit()
    for role in ("officer", "reviewer"):
        assert role_client(role).get(f"/projects/{project.id}/edit").status_code == 403
        assert role_client(role).post(f"/projects/{project.id}/milestones", data={}).status_code == 403


def test_milestones_are_added_changed_and_removed(role_client, app):
    project = make_project()
    project.milestones = [Milestone(kind=MilestoneKind.GROUNDBREAKING, planned_date=date(2021, 3, 1))]
    session.commit()
    client = role_client("planner")
    existing = project.milestones[0].id
    page = client.get(f"/projects/{project.id}/milestones").get_data(as_text=True)
    assert "开工" in page and "2021-03-01" in page
    data = {
        "version": str(project.version),
        "rows-0-id": str(existing),
        "rows-0-kind": "groundbreaking",
        "rows-0-planned_date": "2021-04-01",
        "rows-1-id": "",
        "rows-1-kind": "acceptance",
        "rows-1-title": "整体竣工验收",
        "rows-1-planned_date": "2023-10-31",
    }
    assert client.post(f"/projects/{project.id}/milestones", data=data).status_code == 302
    project = _reload(project.id)
    assert [(m.kind, m.planned_date) for m in project.milestones] == [
        (MilestoneKind.GROUNDBREAKING, date(2021, 4, 1)),
        (MilestoneKind.ACCEPTANCE, date(2023, 10, 31)),
    ]
    # The form above is now stale: the project's version moved on.
    assert client.post(f"/projects/{project.id}/milestones", data=data).status_code == 409
    remove = {
        "version": str(project.version),
        "rows-0-id": str(existing),
        "rows-0-kind": "groundbreaking",
        "rows-0-remove": "y",
    }
    assert client.post(f"/projects/{project.id}/milestones", data=remove).status_code == 302
    assert [m.kind for m in _reload(project.id).milestones] == [MilestoneKind.ACCEPTANCE]
