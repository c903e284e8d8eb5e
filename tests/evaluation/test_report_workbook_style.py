"""The evaluation workbook in the 调度表's house style (issue 11, item 9), checked on every sheet.

Each sheet: 宋体, a title naming the plan, the round and the sheet, a unit/date line in Beijing time,
A3 or A4 landscape one page wide, its header rows repeated on every printed page, figures as numbers
(基准值, 目标值 and yearly values of the indicators too, where they are numbers); the download has a
Chinese name with the round and its date, and an ASCII fallback.
"""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import unquote

import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from portfolio.db import session
from portfolio.evaluation.indicators import load_indicators, parse_number
from portfolio.evaluation.models import EvaluationRound, Indicator
from portfolio.evaluation.report_xlsx import PROJECT_COLUMNS
from portfolio.evaluation.scope import report_for
from portfolio.evaluation.services import create_round, default_rounds
from portfolio.projects.models import Plan
from tests.evaluation.fixtures import build_portfolio
from tests.exports.sheets import open_xlsx

SHEETS = 8


@pytest.fixture
def workbook(app, users, role_client):
    plan = session.scalar(select(Plan).order_by(Plan.id))
    load_indicators(plan)
    build_portfolio(plan)
    round_ = create_round(users["planner"], plan, *default_rounds(plan)[0])
    session.commit()
    response = role_client("reviewer").get(f"/evaluation/rounds/{round_.id}/report.xlsx")
    assert response.status_code == 200
    return round_, response


def test_every_sheet_has_the_house_layout(workbook):
    round_, response = workbook
    wb = open_xlsx(response.data)
    assert len(wb.worksheets) == SHEETS
    for ws in wb.worksheets:
        title = ws["A1"].value
        assert title.startswith(f"焦作市“{round_.plan.short_name}”") and round_.name in title, ws.title
        assert title.endswith(ws.title) and ws["A1"].font.b and ws["A1"].font.sz == 16
        assert ws["A2"].value.startswith("评估截止日：") and "万元" in "".join(
            str(c.value) for c in ws[2] if c.value
        )
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize in (8, 9), ws.title  # A3 or A4, never Letter
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows, ws.title  # repeated on every printed page
        fonts = {c.font.name for row in ws.iter_rows(max_row=6) for c in row if c.value is not None}
        assert fonts == {"宋体"}, (ws.title, fonts)
    assert wb["项目分类"].print_title_rows == "$3:$3" and wb["项目分类"].freeze_panes == "C4"


def test_indicator_values_are_numbers_where_they_are_numbers(workbook):
    round_, response = workbook
    ws = open_xlsx(response.data)["指标评估"]
    head = [c.value for c in ws[3]]
    at = {name: head.index(name) for name in ("序号", "基准值", "目标值")}
    years = [i for i, h in enumerate(head) if isinstance(h, str) and h.endswith("年") and h[:4].isdigit()]
    indicators = {
        i.seq: i for i in session.scalars(select(Indicator).where(Indicator.plan_id == round_.plan_id))
    }
    checked = 0
    for row in ws.iter_rows(min_row=4, max_row=3 + len(indicators), values_only=True):
        indicator = indicators[row[at["序号"]]]
        for key, raw in (("基准值", indicator.baseline_text), ("目标值", indicator.target_text)):
            number = parse_number(raw) if raw else None
            if number is not None:
                assert isinstance(row[at[key]], int | float) and Decimal(str(row[at[key]])) == number
                checked += 1
        assert all(not (isinstance(row[c], str) and parse_number(row[c]) is not None) for c in years)
    assert checked >= 10


def test_times_are_beijing_time_and_the_name_is_chinese(workbook):
    round_, response = workbook
    ws = open_xlsx(response.data)["评估概况"]
    line = "".join(str(c.value) for c in ws[2] if c.value)
    built = session.get(EvaluationRound, round_.id)
    assert "（北京时间）" in line and "UTC" not in line
    stamps = [built.created_at + timedelta(hours=8) + timedelta(minutes=m) for m in (-1, 0, 1)]
    assert any(s.strftime("%Y-%m-%d %H:%M") in line for s in stamps), line
    disposition = response.headers["Content-Disposition"]
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name == f"{round_.plan.short_name}重大工程{round_.name}报告_截至2023年12月31日.xlsx"
    assert f'filename="evaluation-report-{round_.id}-2023-12-31.xlsx"' in disposition


def test_rows_written_out_as_they_come_keep_every_cell_merge_and_height(workbook, users):
    """The workbook streams each row to disk once the next begins: every project row, the merged title
    and 口径说明 lines, and the heights of wrapped rows must still be there when it is reopened."""
    round_, response = workbook
    data = report_for(round_, users["reviewer"])
    ws = open_xlsx(response.data)["项目分类"]
    head = [c.value for c in ws[3]]
    keys = [key for _, key, _ in PROJECT_COLUMNS]
    rows = list(ws.iter_rows(min_row=4, max_row=3 + len(data["projects"]), values_only=True))
    names = [r[keys.index("name")] for r in rows]
    assert names == [p["name"] for p in data["projects"]]
    spans = [r[keys.index("span_investment_wan")] for r in rows]
    assert spans == [p["span_investment_wan"] and float(p["span_investment_wan"]) for p in data["projects"]]
    merged = {str(m) for m in ws.merged_cells.ranges}
    last = get_column_letter(len(head))
    assert f"A1:{last}1" in merged
    notes = [r for r in range(4 + len(rows), ws.max_row + 1) if ws.cell(r, 1).value == "口径说明："]
    assert notes and f"A{notes[0] + 1}:{last}{notes[0] + 1}" in merged
    reason = keys.index("reason") + 1
    reasons = [r for r in range(4, 4 + len(rows)) if len(str(ws.cell(r, reason).value)) > 44]
    assert reasons and all(ws.row_dimensions[r].height > 20 for r in reasons)
