"""Funding round trip: annex → project form → report form → 调度表, summary and API; the figures agree."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from portfolio.annex.services import import_annex
from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.projects.models import Plan, Project
from portfolio.reporting.models import ReportingPeriod, ReportStatus
from tests.exports.sheets import calamine_rows, open_xlsx
from tests.factories import make_period, make_report
from tests.funding.helpers import amounts_form, sources
from tests.funding.test_annex_funding import FIRST_PROJECT_ROW, _annex, _name
from tests.reporting.conftest import report_form


def _open_period(plan, code: str):
    return make_period(plan, code, deadline=local_today() + timedelta(days=30))


def _sheet_columns(content: bytes) -> tuple[list[str], list[str], list[list]]:
    """(group header row, header row, rows) of the progress sheet, read back from the file."""
    book = open_xlsx(content)
    ws = book.worksheets[0]
    rows = calamine_rows(content, ws.title)
    return [str(c or "") for c in rows[2]], [str(c or "") for c in rows[3]], rows


def test_funding_agrees_from_annex_to_sheet(role_client):
    plan = session.scalar(select(Plan).order_by(Plan.id))
    row = FIRST_PROJECT_ROW
    data = _annex({"资金来源": {row: "中央预算内投资5000万元，专项债2亿元"}})
    assert import_annex(None, data, "annex.xlsx", plan).ok
    session.commit()
    project = session.scalar(select(Project).where(Project.name == _name(row)))
    planner, officer = role_client("planner"), role_client("admin")

    # the project page shows the annex's breakdown; the planner adds bank loans on the form
    page = planner.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<td>地方政府专项债券</td><td class="num">20,000.00</td>' in page
    body = amounts_form(
        {"中央预算内投资": "5000", "地方政府专项债券": "20000", "银行贷款": "1000"},
        version=str(project.version),
    )
    assert planner.post(f"/projects/{project.id}/funding", data=body).status_code == 302

    # two periods of funds received, entered in the report form; the second stays a draft and must not count
    first = make_report(project, _open_period(plan, f"{plan.start_year + 1}Q1"), status=ReportStatus.DRAFT)
    second = make_report(project, _open_period(plan, f"{plan.start_year + 1}Q2"), status=ReportStatus.DRAFT)
    session.commit()
    for report, amounts in (
        (second, {"中央预算内投资": "999"}),
        (first, {"中央预算内投资": "3000", "地方政府专项债券": "4500"}),
    ):
        body = report_form(version=str(report.version), save="暂存") | amounts_form(amounts, prefix="funds")
        url = f"/reporting/periods/{report.period_id}/projects/{project.id}/report"
        assert officer.post(url, data=body).status_code == 302
    first.status = ReportStatus.APPROVED
    session.commit()

    # the summary's by-source table
    summary = planner.get(f"/summary?plan={plan.id}").get_data(as_text=True)
    assert (
        '<td>中央预算内投资</td><td class="num">1</td><td class="num">5,000.00</td>\n'
        '        <td class="num">3,000.00</td>' in summary
    )
    assert '<td>银行贷款</td><td class="num">1</td><td class="num">1,000.00</td>' in summary

    # the 调度表 with planned and cumulative funding columns, reopened from the file
    url = f"/exports/periods/{second.period_id}/progress.xlsx?plan={plan.id}&fund=planned&fund=cumulative"
    response = planner.get(url)
    assert response.status_code == 200
    groups, headers, rows = _sheet_columns(response.data)
    planned_at = groups.index("计划资金（按来源）")
    received_at = groups.index("累计到位资金")
    names = [s.name for s in sorted(sources().values(), key=lambda s: s.position)]
    assert headers[planned_at : planned_at + len(names)] == names
    [line] = [r for r in rows if r[1] == project.name]
    planned = dict(zip(names, line[planned_at : planned_at + len(names)], strict=True))
    received = dict(zip(names, line[received_at : received_at + len(names)], strict=True))
    assert (planned["中央预算内投资"], planned["地方政府专项债券"], planned["银行贷款"]) == (
        5000,
        20000,
        1000,
    )
    assert (received["中央预算内投资"], received["地方政府专项债券"]) == (3000, 4500)
    total = next(r for r in rows if str(r[1]).startswith("合计"))
    assert total[planned_at] == 5000 and total[received_at] == 3000  # 合计 sums the projects
    # the API says the same
    api = role_client("planner")  # cookies are not API credentials: use a token
    from tests.api.helpers import get, token

    detail = get(
        api, f"/api/v1/projects/{project.id}", token(session.get(Project, project.id) and _planner())
    )
    assert detail.get_json()["funding"]["planned_wan"]["银行贷款"] == 1000
    assert detail.get_json()["funding"]["received_cumulative_wan"]["地方政府专项债券"] == 4500
    assert Decimal(str(planned["银行贷款"])) == Decimal(1000)


def _planner():
    from portfolio.auth.models import User

    return session.scalar(select(User).where(User.username == "planner"))


def test_a_sheet_with_chosen_sources_only(role_client):
    plan = session.scalar(select(Plan).order_by(Plan.id))
    make_period(plan, f"{plan.start_year}Q1")
    session.commit()
    loan = sources()["银行贷款"]
    page = role_client("planner").get(f"/exports?plan={plan.id}").get_data(as_text=True)
    assert "调度表增加资金列" in page and "银行贷款" in page
    period_id = session.scalar(select(ReportingPeriod.id))
    url = f"/exports/periods/{period_id}/progress.xlsx?plan={plan.id}&fund=planned&src={loan.id}"
    groups, headers, _rows = _sheet_columns(role_client("planner").get(url).data)
    at = groups.index("计划资金（按来源）")
    assert headers[at] == "银行贷款" and "累计到位资金" not in groups
    plain = role_client("planner").get(f"/exports/periods/{period_id}/progress.xlsx?plan={plan.id}")
    assert "计划资金（按来源）" not in _sheet_columns(plain.data)[0]
