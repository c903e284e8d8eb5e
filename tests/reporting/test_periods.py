from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.localtime import local_today
from portfolio.reporting.models import PeriodKind, PeriodStatus, ReportingPeriod
from portfolio.reporting.periods import is_open, parse_code, reopen_period
from tests.reporting.conftest import first_plan, make_period


def test_codes_derive_dates():
    q = parse_code("2023q4", "quarter")
    assert (q.code, q.kind, q.starts_on, q.ends_on) == (
        "2023Q4",
        PeriodKind.QUARTER,
        date(2023, 10, 1),
        date(2023, 12, 31),
    )
    m = parse_code("2024-02", "month")
    assert (m.starts_on, m.ends_on, m.number) == (date(2024, 2, 1), date(2024, 2, 29), 2)
    assert q.default_deadline == date(2024, 1, 10)
    with pytest.raises(DomainError, match="2023Q4"):
        parse_code("2023-11", "quarter")
    with pytest.raises(DomainError, match="2023-11"):
        parse_code("2023Q5", "month")


def test_lock_follows_the_deadline_and_a_reopening(app, users):
    period = make_period(users["planner"], deadline=local_today() - timedelta(days=1))
    assert not is_open(period, local_today())
    assert is_open(period, local_today() - timedelta(days=1))
    reopen_period(users["planner"], period, local_today() + timedelta(days=5))
    assert is_open(period, local_today()) and period.status == PeriodStatus.OPEN
    assert not is_open(period, local_today() + timedelta(days=6))


def test_planner_opens_a_period_over_http(app, role_client):
    plan = first_plan()
    code = f"{plan.start_year + 1}Q2"
    client = role_client("planner")
    response = client.post("/reporting/periods/open", data={"plan_id": plan.id, "code": code, "deadline": ""})
    assert response.status_code == 302
    period = session.scalar(select(ReportingPeriod).where(ReportingPeriod.code == code))
    assert (period.starts_on, period.ends_on) == (
        date(plan.start_year + 1, 4, 1),
        date(plan.start_year + 1, 6, 30),
    )
    assert period.deadline == date(plan.start_year + 1, 7, 10)
    page = client.get("/reporting/periods").get_data(as_text=True)
    assert code in page and "已过截止日，已锁定" in page
    again = client.post(
        "/reporting/periods/open", data={"plan_id": plan.id, "code": code}, follow_redirects=True
    )
    assert "已存在" in again.get_data(as_text=True)
    outside = client.post(
        "/reporting/periods/open",
        data={"plan_id": plan.id, "code": f"{plan.end_year + 1}Q1"},
        follow_redirects=True,
    )
    assert "不在" in outside.get_data(as_text=True)
    assert session.scalar(select(func.count(ReportingPeriod.id))) == 1
    assert (
        session.scalar(select(AuditEntry.action).where(AuditEntry.entity_type == "ReportingPeriod"))
        == "period.open"
    )


def test_monthly_deployment_cuts_months(app, users, role_client):
    app.config["REPORTING_CADENCE"] = "month"
    plan = first_plan()
    client = role_client("planner")
    client.post("/reporting/periods/open", data={"plan_id": plan.id, "code": f"{plan.start_year}-11"})
    period = session.scalar(select(ReportingPeriod))
    assert period.kind == PeriodKind.MONTH and period.ends_on == date(plan.start_year, 11, 30)
    bad = client.post(
        "/reporting/periods/open",
        data={"plan_id": plan.id, "code": f"{plan.start_year}Q1"},
        follow_redirects=True,
    )
    assert "月度期间应写作" in bad.get_data(as_text=True)


def test_officer_may_not_open_close_or_reopen(app, period, role_client):
    client = role_client("officer")
    plan = first_plan()
    assert (
        client.post(
            "/reporting/periods/open", data={"plan_id": plan.id, "code": f"{plan.start_year}Q1"}
        ).status_code
        == 403
    )
    assert client.post(f"/reporting/periods/{period.id}/close").status_code == 403
    assert (
        client.post(f"/reporting/periods/{period.id}/reopen", data={"until": "2099-01-01"}).status_code == 403
    )
    assert client.get(f"/reporting/periods/{period.id}").status_code == 200


def test_planner_closes_then_reopens_audited(app, period, role_client):
    client = role_client("planner")
    client.post(f"/reporting/periods/{period.id}/close")
    session.refresh(period)
    assert period.status == PeriodStatus.LOCKED and not is_open(period, local_today())
    page = client.get(f"/reporting/periods/{period.id}").get_data(as_text=True)
    assert "已关闭" in page and "重新开放" in page
    past = client.post(
        f"/reporting/periods/{period.id}/reopen", data={"until": "2000-01-01"}, follow_redirects=True
    )
    assert "不能早于今天" in past.get_data(as_text=True)
    until = local_today() + timedelta(days=7)
    client.post(f"/reporting/periods/{period.id}/reopen", data={"until": until.isoformat()})
    session.refresh(period)
    assert period.status == PeriodStatus.OPEN and period.reopened_until == until
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "ReportingPeriod").order_by(AuditEntry.id)
    ).all()
    assert actions == ["period.open", "period.close", "period.reopen"]


def test_period_page_keeps_a_download_area(app, period, role_client):
    page = role_client("reviewer").get(f"/reporting/periods/{period.id}").get_data(as_text=True)
    assert "period-downloads" in page and period.code in page
    assert f"/exports/periods/{period.id}/progress.xlsx" in page  # this very period's sheet
    assert f"/exports/periods/{period.id}/template.xlsx" not in page  # a reviewer fills in no template
    assert role_client("reviewer").get("/reporting/periods/999999").status_code == 404


def test_a_period_of_another_plan_is_not_a_place_to_report(app, period, role_client):
    from portfolio.projects.seed_data import PLAN_14
    from portfolio.projects.services import load_plan
    from tests.factories import make_project

    other = load_plan(
        PLAN_14 | {"name": "另一规划", "short_name": "十五五", "start_year": 2026, "end_year": 2030}
    )
    project = make_project(plan=other)
    session.commit()
    url = f"/reporting/periods/{period.id}/projects/{project.id}/report"
    assert role_client("officer").get(url).status_code == 404
