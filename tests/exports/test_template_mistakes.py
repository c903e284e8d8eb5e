"""Fill-in template mistakes that passed silently (issue 11, item 8), each walked over its class.

- 累计完成比例 in every form a user types it (35, "35", "35%", "35 ％", and 35% typed into Excel, which
  stores 0.35 shown as a percentage) is stored as 35;
- a percent below the last approved one is flagged in the upload preview, the command's output and on the
  review page of the submitted report;
- a row whose report is already submitted or approved is locked in the template, for every report state.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from flask import current_app
from sqlalchemy import select

from portfolio.db import session
from portfolio.exports.services import import_template
from portfolio.localtime import local_today
from portfolio.reporting.models import ReportStatus, StatusReport
from portfolio.reporting.services import EDITABLE
from tests.exports.test_template import COL, DATA, _fill, _template, _upload, data_rows
from tests.factories import make_period, make_project, make_report

BASE = {"本期完成投资（万元）": 10, "形象进度": "施工中"}
# (what the user typed or Excel stored, the cell's number format, the percent stored)
TYPED = [
    (35, "General", Decimal(35)),
    ("35", "@", Decimal(35)),
    ("35%", "@", Decimal(35)),
    ("35 ％", "@", Decimal(35)),
    (0.35, "0%", Decimal(35)),
    (0.355, "0.0%", Decimal("35.5")),
    (0.5, "General", Decimal("0.5")),  # a bare fraction without a percent format stays as written
]


def _world():
    project = make_project(name="温县一号工程", planned_start=date(2025, 1, 1), planned_end=date(2026, 12, 1))
    other = make_project(name="温县二号工程", category=3)
    q3 = make_period(project.plan, "2025Q3", deadline=local_today() + timedelta(days=30))
    q4 = make_period(project.plan, "2025Q4", deadline=local_today() + timedelta(days=30))
    session.commit()
    return {"project": project, "other": other, "q3": q3, "q4": q4}


def _typed(content: bytes, value, number_format: str) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[DATA]
    for r in data_rows(ws):
        if ws.cell(r, COL["项目名称"]).value == "温县一号工程":
            for header, base in BASE.items():
                ws.cell(r, COL[header]).value = base
            cell = ws.cell(r, COL["累计完成比例（%）"])
            cell.value, cell.number_format = value, number_format
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("value", "number_format", "stored"), TYPED)
def test_percent_complete_is_read_as_the_user_typed_it(app, users, role_client, value, number_format, stored):
    world = _world()
    content = _typed(_template(role_client("officer"), world["q4"]), value, number_format)
    result = import_template(users["officer"], content, current_app.config["SECRET_KEY"], world["q4"])
    assert result.issues == []
    [row] = [r for r in result.rows if r.data is not None]
    assert row.data.percent_complete == stored
    report = session.scalar(select(StatusReport).where(StatusReport.project_id == world["project"].id))
    assert report.percent_complete == stored


def test_falling_percent_is_flagged_in_the_preview_the_command_and_the_review_page(
    app, users, role_client, runner, tmp_path
):
    world = _world()
    make_report(world["project"], world["q3"], invested="50", pct="68.1")
    make_report(world["other"], world["q3"], invested="5", pct="10")
    session.commit()
    client = role_client("officer")
    falling = {
        "温县一号工程": BASE | {"累计完成比例（%）": 20},
        "温县二号工程": BASE | {"累计完成比例（%）": 15},
    }
    content = _fill(_template(client, world["q4"]), falling)
    page = _upload(client, world["q4"], content).get_data(as_text=True)
    assert "1 个项目的完成百分比低于上次审核通过的数值" in page
    assert "完成百分比 20% 低于上次审核通过的 68.1%（2025Q3），下降 48.1 个百分点，请核实。" in page
    assert "温县二号工程：完成百分比" not in page  # rising progress is not flagged
    path = tmp_path / "filled.xlsx"
    path.write_bytes(content)
    output = runner.invoke(args=["import-progress", str(path), "--dry-run"]).output
    assert "温县一号工程：完成百分比 20% 低于上次审核通过的 68.1%（2025Q3）" in output, output
    import_template(users["officer"], content, current_app.config["SECRET_KEY"], world["q4"])
    session.commit()
    report = session.scalar(
        select(StatusReport).where(
            StatusReport.project_id == world["project"].id, StatusReport.period_id == world["q4"].id
        )
    )
    review = role_client("planner").get(f"/reporting/reports/{report.id}").get_data(as_text=True)
    assert "完成百分比比上次审核通过的报告下降了 48.1 个百分点" in review


@pytest.mark.parametrize("status", [None, *ReportStatus])
def test_rows_of_reports_already_submitted_are_locked_in_the_template(app, users, role_client, status):
    world = _world()
    if status is not None:
        make_report(world["project"], world["q4"], status, invested="7", pct="20")
        session.commit()
    content = _template(role_client("officer"), world["q4"])
    ws = openpyxl.load_workbook(io.BytesIO(content))[DATA]
    inputs = [
        "本期完成投资（万元）",
        "累计完成比例（%）",
        "形象进度",
        "项目状态变更",
        "存在问题",
        "下步计划",
        "需协调事项",
    ]
    locked = status is not None and status not in EDITABLE
    for r in data_rows(ws):
        mine = ws.cell(r, COL["项目名称"]).value == "温县一号工程"
        for header in inputs:
            assert ws.cell(r, COL[header]).protection.locked == (mine and locked), (status, header, r)
    # An untouched template uploads cleanly: the locked row is skipped, not refused.
    result = import_template(users["officer"], content, current_app.config["SECRET_KEY"], world["q4"])
    assert result.issues == []
