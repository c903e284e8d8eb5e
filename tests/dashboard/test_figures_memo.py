"""The summary's and the dashboard's figures are remembered per data version: every kind of write that
changes them shows on the next page, exactly as a fresh computation does; with no write, the page reads the
remembered figures (fewer statements)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text, update

from portfolio import data_version
from portfolio.db import insert_rows, session
from portfolio.funding.models import ProjectFunding, ReportFunding
from portfolio.projects.models import AnnualPlan, LifecycleStatus, Project
from portfolio.reporting.models import ReportStatus, StatusReport
from portfolio.reporting.progress import save_thresholds
from portfolio.reporting.warnings import Thresholds
from tests.exports.data import portfolio
from tests.factories import location, make_project, make_report
from tests.funding.helpers import sources
from tests.querycount import statements_for

PAGES = ("/dashboard", "/summary", "/dashboard?map=warnings", "/dashboard?county={county}")


@pytest.fixture
def data(app, users):
    made = portfolio()
    session.commit()
    return made


def _pages(client) -> list[str]:
    county = location("孟州市").id
    shown = []
    for url in PAGES:
        response = client.get(url.format(county=county))
        assert response.status_code == 200, url
        shown.append(response.get_data(as_text=True))
    return shown


def _approve_a_report(data):
    make_report(data["e"], data["q4"], invested="75", pct="60")


def _return_a_report(data):
    report = session.scalar(select(StatusReport).where(StatusReport.project_id == data["b"].id))
    report.status = ReportStatus.RETURNED


def _delete_a_report(data):
    session.delete(session.scalar(select(StatusReport).where(StatusReport.project_id == data["c"].id)))


def _change_an_amount(data):
    data["a"].total_investment_wan = Decimal("3000")


def _change_a_status(data):
    data["b"].status = LifecycleStatus.COMPLETED


def _change_an_annual_plan(data):
    plan = session.scalar(select(AnnualPlan).where(AnnualPlan.project_id == data["c"].id))
    plan.amount_wan = Decimal("999")


def _move_a_project_to_another_county(data):
    data["a"].locations = [location("孟州市")]


def _move_a_project_to_another_category(data):
    data["b"].category_id = data["a"].category_id


def _change_the_thresholds(_data):
    save_thresholds(None, Thresholds(Decimal(1), Decimal(2), 1))


def _redate_a_period(data):
    data["q3"].ends_on = date(data["q3"].year, 10, 15)


def _add_a_project(_data):
    make_project(counties=["孟州市"], category=2, annual={2023: Decimal("75")})


def _plan_funding(data):
    source = sources(data["a"].plan)["银行贷款"]
    session.add(ProjectFunding(project_id=data["c"].id, source_id=source.id, amount_wan=Decimal("500")))


def _receive_funding(data):
    source = sources(data["a"].plan)["银行贷款"]
    report = session.scalar(select(StatusReport).where(StatusReport.project_id == data["c"].id))
    session.add(ReportFunding(report_id=report.id, source_id=source.id, amount_wan=Decimal("33")))


def _core_update(data):
    session.execute(update(Project).where(Project.id == data["c"].id).values(span_investment_wan=5))


def _raw_sql(data):
    statement = text("UPDATE projects SET total_investment_wan = 12 WHERE id = :id")
    session.execute(statement, {"id": data["d"].id})


def _bulk_insert(data):  # as an annex import writes: COPY on PostgreSQL, no SQLAlchemy event
    session.execute(text("DELETE FROM annual_plans WHERE project_id = :id"), {"id": data["e"].id})
    session.flush()
    insert_rows(
        session.connection(),
        AnnualPlan.__table__,
        ("project_id", "year", "amount_wan"),
        [(data["e"].id, 2023, Decimal("4321"))],
    )


WRITES = [
    _approve_a_report,
    _return_a_report,
    _delete_a_report,
    _change_an_amount,
    _change_a_status,
    _change_an_annual_plan,
    _move_a_project_to_another_county,
    _move_a_project_to_another_category,
    _change_the_thresholds,
    _redate_a_period,
    _add_a_project,
    _plan_funding,
    _receive_funding,
    _core_update,
    _raw_sql,
    _bulk_insert,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_every_write_shows_on_the_next_page(role_client, data, write):
    client = role_client("planner")
    before = _pages(client)
    assert _pages(client) == before  # read twice: the second from the memo
    write(data)
    session.commit()
    after = _pages(client)
    data_version.forget()
    assert after == _pages(client)  # what a fresh computation shows
    assert after != before


def test_a_write_not_yet_committed_shows_in_its_own_transaction(role_client, data):
    client = role_client("planner")
    before = _pages(client)
    _change_an_amount(data)
    session.flush()
    shown = _pages(client)  # the requests share the test's session: its write is theirs
    data_version.forget()
    assert shown == _pages(client) != before


def test_an_unchanged_page_reads_the_remembered_figures(role_client, data):
    client = role_client("planner")
    for url in ("/dashboard", "/summary"):
        fresh = statements_for(client, url)
        assert statements_for(client, url, remembered=True) < fresh, url


def test_reading_writes_no_version(role_client, data):
    client = role_client("planner")
    _pages(client)
    version = session.execute(text("SELECT value FROM settings WHERE key = 'data_version'")).scalar()
    session.commit()
    _pages(client)
    assert version is not None
    assert session.execute(text("SELECT value FROM settings WHERE key = 'data_version'")).scalar() == version
