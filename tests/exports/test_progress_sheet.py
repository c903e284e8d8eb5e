"""The progress sheet (调度表), the per-county workbook and the supervision list, reopened and checked."""

from decimal import Decimal
from urllib.parse import unquote

from sqlalchemy import func, select

from portfolio.db import session
from portfolio.projects.models import Project
from portfolio.reporting.models import ReportStatus, StatusReport
from tests.exports.data import portfolio
from tests.exports.sheets import COL, amount, assert_groups_add_up, body, calamine_rows, notes, open_xlsx


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return response


def test_progress_sheet_layout_figures_and_totals(app, role_client):
    data = portfolio()
    session.commit()
    response = _download(role_client("planner"), f"/exports/periods/{data['q4'].id}/progress.xlsx")
    wb = open_xlsx(response.data)
    ws = wb["推进情况表"]
    plan = data["a"].plan
    assert ws["A1"].value == f"焦作市“{plan.short_name}”生态环境保护重大工程项目推进情况表（2023年第4季度）"
    assert "单位：万元" in ws.cell(2, 9).value and ws["A2"].value.startswith("填报单位：")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "F3:H3", "I3:L3"} <= merged  # two-row merged header
    assert ws["G4"].value == f"“{plan.short_name}”投资"
    # Printing: A3 landscape, header rows repeated, one page wide; frozen below the header.
    assert ws.page_setup.paperSize == 8 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$4"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0  # 1 is the default
    assert ws.freeze_panes == "C5"
    assert ws.column_dimensions["B"].width > 20

    rows = body(calamine_rows(response.data, "推进情况表"))
    kinds = [k for k, _ in rows]
    assert kinds[0] == "total" and "category" in kinds and "subcategory" in kinds
    assert_groups_add_up(rows)
    projects = {r[COL["name"]]: r for k, r in rows if k == "project"}
    assert len(projects) == 5
    # Totals equal the database: investment from the register, this period's from approved reports only.
    total = rows[0][1]
    db_total = session.scalar(select(func.sum(Project.total_investment_wan)))
    assert amount(total[COL["total_investment_wan"]]) == amount(db_total)
    approved_q4 = session.scalar(
        select(func.sum(StatusReport.invested_wan)).where(
            StatusReport.period_id == data["q4"].id, StatusReport.status == ReportStatus.APPROVED
        )
    )
    assert amount(total[COL["period_invested"]]) == amount(approved_q4) == Decimal("250.25")
    # A submitted report waiting for review does not count; its cell names the report's state.
    unapproved = projects["孟州市清洁取暖"]
    assert unapproved[COL["period_invested"]] == "待审核" and unapproved[COL["warning"]] == "无已通过报告"
    assert projects["两县联建生态廊道"][COL["progress_text"]].startswith("本期未填报（最近一次已通过 2023Q3")
    # Under the table: which reports the figures count, and each measure's 口径说明.
    lines = notes(calamine_rows(response.data, "推进情况表"))
    assert lines[0] == "本期报告：未填报 1 个，待审核 1 个，已通过 3 个。表中数字只计已通过的报告。"
    assert lines[1] == "口径说明："
    assert any(line.startswith("序时进度：按整月计算") for line in lines)
    assert any(line.startswith("开工以来累计完成投资：纳入系统前已完成投资 +") for line in lines)
    a = projects["温县污水处理厂提标改造"]
    assert a[COL["year_invested"]] == 250.25 and a[COL["completion_rate"]] == 62.6
    assert a[COL["problems"]] == "征地手续未完成"


def test_numbers_are_numbers_and_warnings_are_filled(app, role_client):
    data = portfolio()
    session.commit()
    response = _download(role_client("planner"), f"/exports/periods/{data['q4'].id}/progress.xlsx")
    ws = open_xlsx(response.data)["推进情况表"]
    fills = {}
    for row in ws.iter_rows(min_row=5):
        name = row[COL["name"]].value
        if name is None:  # the blank row before the 口径说明
            break
        total = row[COL["total_investment_wan"]]
        assert isinstance(total.value, int | float), (name, total.value)
        assert total.number_format == "#,##0.00"
        assert row[COL["name"]].alignment.wrap_text
        warning = row[COL["warning"]]
        fills[name] = (warning.value, warning.fill.fgColor.rgb)
    assert fills["温县光伏发电项目"] == ("红色预警", "FFFF7C80")
    assert fills["孟州市VOCs治理"] == ("黄色预警", "FFFFE699")
    assert fills["温县污水处理厂提标改造"] == ("正常", "FFA9D08E")


def test_officer_sheet_holds_only_their_county(app, users, role_client):
    data = portfolio()
    session.commit()
    response = _download(role_client("officer"), f"/exports/periods/{data['q4'].id}/progress.xlsx")
    rows = body(calamine_rows(response.data, "推进情况表"))
    names = {r[COL["name"]] for k, r in rows if k == "project"}
    assert names == {"温县污水处理厂提标改造", "温县光伏发电项目", "两县联建生态廊道"}
    assert_groups_add_up(rows)
    assert calamine_rows(response.data, "推进情况表")[1][0] == "填报单位：温县"


def test_filters_of_the_project_list_narrow_the_sheet(app, role_client):
    data = portfolio()
    session.commit()
    county = data["c"].locations[0]
    filters = f"county={county.id}&category={data['d'].category_id}"
    url = f"/exports/periods/{data['q4'].id}/progress.xlsx?{filters}"
    rows = body(calamine_rows(_download(role_client("planner"), url).data, "推进情况表"))
    assert {r[COL["name"]] for k, r in rows if k == "project"} == {"孟州市清洁取暖"}
    assert "孟州市" in calamine_rows(_download(role_client("planner"), url).data, "推进情况表")[0][0]


def test_county_workbook_has_one_sheet_per_county(app, role_client):
    data = portfolio()
    session.commit()
    response = _download(role_client("planner"), f"/exports/periods/{data['q4'].id}/counties.xlsx")
    wb = open_xlsx(response.data)
    assert wb.sheetnames == ["温县", "孟州市"]
    for county, expected in (("温县", 3), ("孟州市", 3)):
        rows = body(calamine_rows(response.data, county))
        assert sum(1 for k, _ in rows if k == "project") == expected
        assert_groups_add_up(rows)
        assert f"（{county}，2023年第4季度）" in wb[county]["A1"].value


def test_supervision_list_holds_red_then_yellow(app, role_client):
    data = portfolio()
    session.commit()
    response = _download(role_client("planner"), f"/exports/periods/{data['q4'].id}/supervision.xlsx")
    rows = calamine_rows(response.data, "督办清单")
    listed = [r for r in rows[4:] if r[1]]
    assert [(r[1], r[4]) for r in listed] == [
        ("温县光伏发电项目", "红色预警"),
        ("孟州市VOCs治理", "黄色预警"),
        ("两县联建生态廊道", "黄色预警"),
    ]
    red = listed[0]
    assert red[3] == "温县人民政府" and "落后序时进度 40" in red[5]
    # 落后天数: a 731-day plan (2023-01-01 to 2024-12-31) reaches its reported 10 % on day 73
    # (2023-03-15), 291 days before the period's end.
    assert red[7] == 10 and red[8] == 40 and red[9] == 291 and red[10] == "2023Q4"
    assert listed[2][10] == "2023Q3"


def test_download_names_are_chinese_with_an_ascii_fallback(app, role_client):
    data = portfolio()
    session.commit()
    response = _download(role_client("planner"), f"/exports/periods/{data['q4'].id}/progress.xlsx")
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment; filename=\"progress-2023Q4.xlsx\"; filename*=UTF-8''")
    assert unquote(header.split("''", 1)[1]) == "十四五重大工程项目推进情况表_2023年第4季度.xlsx"


def test_without_a_period_the_latest_ended_period_is_exported(app, role_client):
    data = portfolio()
    session.commit()
    response = _download(role_client("reviewer"), "/exports/progress.xlsx")
    assert "2023年第4季度" in calamine_rows(response.data, "推进情况表")[0][0]
    assert data["q4"].code == "2023Q4"


def test_export_progress_command_writes_each_sheet(app, runner, tmp_path):
    portfolio()
    session.commit()
    out = tmp_path / "温县.xlsx"
    result = runner.invoke(
        args=["export-progress", "--period", "2023Q4", "--output", str(out), "--county", "温县"]
    )
    assert result.exit_code == 0, result.output
    rows = body(calamine_rows(out.read_bytes(), "推进情况表"))
    assert {r[COL["name"]] for k, r in rows if k == "project"} == {
        "温县污水处理厂提标改造",
        "温县光伏发电项目",
        "两县联建生态廊道",
    }
    for sheet, name in (("counties", "孟州市"), ("supervision", "督办清单")):
        path = tmp_path / f"{sheet}.xlsx"
        assert (
            runner.invoke(
                args=["export-progress", "--period", "2023Q4", "--output", str(path), "--sheet", sheet]
            ).exit_code
            == 0
        )
        assert name in open_xlsx(path.read_bytes()).sheetnames
    missing = runner.invoke(args=["export-progress", "--period", "2030Q1", "--output", str(out)])
    assert missing.exit_code != 0 and "没有编号为“2030Q1”的填报期间" in missing.output
