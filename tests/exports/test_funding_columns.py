"""Funding columns (as in the 调度表) in the per-county workbook and from the export-progress command."""

from decimal import Decimal

from sqlalchemy import select

from portfolio.db import session
from portfolio.funding.models import ProjectFunding, ReportFunding
from portfolio.reporting.models import StatusReport
from tests.exports.data import portfolio
from tests.exports.sheets import calamine_rows, open_xlsx
from tests.funding.helpers import sources

BOND, LOAN = "地方政府专项债券", "银行贷款"


def _funded():
    """The exports' portfolio with planned and received funds; 孟州市清洁取暖's Q4 report is not approved."""
    data = portfolio()
    ids = {name: s.id for name, s in sources().items()}

    def report(project, period):
        return session.scalar(
            select(StatusReport.id).where(
                StatusReport.project_id == project.id, StatusReport.period_id == period.id
            )
        )

    for project, source, amount in ((data["a"], BOND, 1000), (data["a"], LOAN, 500), (data["e"], LOAN, 120)):
        session.add(ProjectFunding(project_id=project.id, source_id=ids[source], amount_wan=Decimal(amount)))
    for project, period, source, amount in (
        (data["a"], data["q3"], BOND, 200),
        (data["a"], data["q4"], BOND, 300),
        (data["e"], data["q3"], LOAN, 60),
        (data["d"], data["q4"], BOND, 999),
    ):
        session.add(
            ReportFunding(report_id=report(project, period), source_id=ids[source], amount_wan=amount)
        )
    session.commit()
    return data


def _funding_cells(content: bytes, sheet: str) -> dict[str, dict[tuple[str, str], object]]:
    """project name → {(measure header, source header): value} of the sheet's funding columns."""
    rows = calamine_rows(content, sheet)
    groups, headers = rows[2], rows[3]
    spans, current = {}, ""
    for c, group in enumerate(groups):
        current = group or current
        spans[c] = current
    funding = [
        c for c in range(len(headers)) if spans[c] in ("计划资金（按来源）", "本期到位资金", "累计到位资金")
    ]
    return {
        str(r[1]): {(spans[c], headers[c]): r[c] for c in funding}
        for r in rows[4:]
        if isinstance(r[0], int | float) and r[0] != ""
    }


def test_county_workbook_carries_the_chosen_funding_columns_on_every_sheet(app, role_client):
    data = _funded()
    url = f"/exports/periods/{data['q4'].id}/counties.xlsx?fund=planned&fund=period&fund=cumulative"
    response = role_client("planner").get(url)
    assert response.status_code == 200
    assert open_xlsx(response.data).sheetnames == ["温县", "孟州市"]
    wen, meng = _funding_cells(response.data, "温县"), _funding_cells(response.data, "孟州市")
    assert len(wen["温县污水处理厂提标改造"]) == 3 * len(sources())  # every measure × every source
    sewage = wen["温县污水处理厂提标改造"]
    assert sewage[("计划资金（按来源）", BOND)] == 1000 and sewage[("计划资金（按来源）", LOAN)] == 500
    assert sewage[("本期到位资金", BOND)] == 300 and sewage[("累计到位资金", BOND)] == 500
    # a project of both counties shows the same funds on both sheets
    for sheet in (wen, meng):
        corridor = sheet["两县联建生态廊道"]
        assert corridor[("计划资金（按来源）", LOAN)] == 120 and corridor[("累计到位资金", LOAN)] == 60
        assert corridor[("本期到位资金", LOAN)] in ("", None)  # nothing received in Q4
    # a report waiting for review does not count
    assert meng["孟州市清洁取暖"][("累计到位资金", BOND)] in ("", None, 0)
    plain = role_client("planner").get(f"/exports/periods/{data['q4'].id}/counties.xlsx")
    assert "累计到位资金" not in calamine_rows(plain.data, "温县")[2]


def test_export_page_offers_the_county_workbook_with_funding(app, role_client):
    data = _funded()
    page = role_client("planner").get(f"/exports?plan={data['a'].plan_id}").get_data(as_text=True)
    button = (
        f'formaction="/exports/periods/{data["q4"].id}/counties.xlsx">下载含资金列的分县区调度表</button>'
    )
    assert button in page


def test_export_progress_command_adds_funding_columns(app, runner, tmp_path):
    _funded()
    out = tmp_path / "progress.xlsx"
    args = ["export-progress", "--period", "2023Q4", "--output", str(out), "--funding", "cumulative"]
    result = runner.invoke(args=[*args, "--source", "专项债"])  # an alias names the source
    assert result.exit_code == 0, result.output
    cells = _funding_cells(out.read_bytes(), "推进情况表")
    assert cells["温县污水处理厂提标改造"] == {("累计到位资金", BOND): 500}
    counties = tmp_path / "counties.xlsx"
    result = runner.invoke(
        args=[
            "export-progress", "--period", "2023Q4", "--output", str(counties), "--sheet", "counties",
            "--funding", "planned", "--funding", "cumulative",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    wen = _funding_cells(counties.read_bytes(), "温县")
    assert wen["两县联建生态廊道"][("计划资金（按来源）", LOAN)] == 120
    assert len(wen["两县联建生态廊道"]) == 2 * len(sources())


def test_export_progress_command_refuses_unknown_sources_and_funding_on_the_supervision_list(
    app, runner, tmp_path
):
    _funded()
    out = tmp_path / "x.xlsx"
    base = ["export-progress", "--period", "2023Q4", "--output", str(out)]
    unknown = runner.invoke(args=[*base, "--funding", "planned", "--source", "国外贷款"])
    assert unknown.exit_code != 0 and "找不到资金来源：国外贷款" in unknown.output and BOND in unknown.output
    alone = runner.invoke(args=[*base, "--source", LOAN])
    assert alone.exit_code != 0 and "--funding" in alone.output
    supervision = runner.invoke(args=[*base, "--sheet", "supervision", "--funding", "planned"])
    assert supervision.exit_code != 0 and "督办清单没有资金列" in supervision.output
    assert not out.exists()
