"""The fill-in template round trip: download, fill in offline, upload, preview, confirm."""

import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
from sqlalchemy import select

from portfolio.db import session
from portfolio.definitions import notes_for
from portfolio.exports.template_sheet import HEADERS, META_SHEET
from portfolio.localtime import local_today
from portfolio.reporting.models import ReportStatus, StatusReport
from tests.factories import make_period, make_project, make_report

DATA = "进度填报"
COL = {h: i + 1 for i, h in enumerate(HEADERS)}
FIRST_ROW = 4


def data_rows(ws) -> range:
    """The Excel rows of projects: from below the header down to the blank row above the 口径说明."""
    last = FIRST_ROW
    while ws.cell(last, COL["项目ID"]).value is not None:
        last += 1
    return range(FIRST_ROW, last)


def _setup():
    wen1 = make_project(name="温县一号工程", planned_start=date(2025, 1, 1), planned_end=date(2026, 12, 1))
    wen2 = make_project(name="温县二号工程", category=3)
    meng = make_project(name="孟州市工程", counties=["孟州市"])
    period = make_period(wen1.plan, "2025Q4", deadline=local_today() + timedelta(days=30))
    other = make_period(wen1.plan, "2025Q3", deadline=local_today() + timedelta(days=30))
    session.commit()
    return {"wen1": wen1, "wen2": wen2, "meng": meng, "period": period, "other": other}


def _template(client, period) -> bytes:
    response = client.get(f"/exports/periods/{period.id}/template.xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.data


def _fill(content: bytes, values: dict[str, dict[str, object]], ids: dict[int, int] | None = None) -> bytes:
    """Fill rows by project name: {name: {header: value}}; `ids` rewrites hidden ids (tampering)."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[DATA]
    for r in data_rows(ws):
        name = ws.cell(r, COL["项目名称"]).value
        for header, value in values.get(name, {}).items():
            ws.cell(r, COL[header]).value = value
        if ids and ws.cell(r, COL["项目ID"]).value in ids:
            ws.cell(r, COL["项目ID"]).value = ids[ws.cell(r, COL["项目ID"]).value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, period, content: bytes, follow=False):
    return client.post(
        "/exports/template",
        data={"period_id": str(period.id), "file": (io.BytesIO(content), "模板.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=follow,
    )


FILLED = {
    "温县一号工程": {
        "本期完成投资（万元）": 120.5,
        "累计完成比例（%）": 35,
        "形象进度": "主体完工",
        "项目状态变更": "在建",
    },
    "温县二号工程": {
        "本期完成投资（万元）": "80",
        "累计完成比例（%）": 12.5,
        "形象进度": "基础施工",
        "存在问题": "资金缺口",
    },
}


def test_template_locks_identity_and_validates_inputs(app, users, role_client):
    data = _setup()
    wb = openpyxl.load_workbook(io.BytesIO(_template(role_client("officer"), data["period"])))
    ws = wb[DATA]
    names = [ws.cell(r, COL["项目名称"]).value for r in data_rows(ws)]
    assert sorted(names) == ["温县一号工程", "温县二号工程"]  # only the officer's own county
    notes = [ws.cell(r, COL["序号"]).value for r in range(data_rows(ws).stop + 1, ws.max_row + 1)]
    assert notes[0] == "口径说明："
    keys = ("report_state", "counted_reports", "period_invested", "funds_received")  # funding columns exist
    assert notes[1:] == [f"{d.name}：{d.rule}" for d in notes_for(*keys)]
    assert ws.protection.sheet
    assert ws.cell(FIRST_ROW, COL["项目名称"]).protection.locked
    assert not ws.cell(FIRST_ROW, COL["形象进度"]).protection.locked
    ids = ws.column_dimensions["A"]  # openpyxl reads the hidden A:B span as one dimension
    assert ids.hidden and (ids.min, ids.max) == (1, 2)
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "decimal", "textLength"} <= kinds
    statuses = next(dv for dv in ws.data_validations.dataValidation if dv.type == "list")
    assert "在建" in statuses.formula1
    assert wb[META_SHEET].sheet_state == "veryHidden"


def test_round_trip_submits_exactly_the_filled_rows(app, users, role_client):
    data = _setup()
    client = role_client("officer")
    filled = _fill(_template(client, data["period"]), FILLED)
    preview = _upload(client, data["period"], filled)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "确认报送 2 份报告" in page, page
    assert session.scalar(select(StatusReport.id)) is None  # the preview wrote nothing
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post(
        "/exports/template/confirm",
        data={"period_id": data["period"].id, "token": token},
        follow_redirects=True,
    )
    assert "已报送 2 份进度报告" in done.get_data(as_text=True)
    session.expire_all()
    reports = {r.project.name: r for r in session.scalars(select(StatusReport))}
    assert set(reports) == {"温县一号工程", "温县二号工程"}
    one, two = reports["温县一号工程"], reports["温县二号工程"]
    assert one.status == two.status == ReportStatus.SUBMITTED
    assert one.invested_wan == Decimal("120.5") and one.percent_complete == Decimal("35")
    assert one.progress_text == "主体完工" and one.new_status.label == "在建"
    assert two.invested_wan == Decimal("80") and two.problems == "资金缺口"
    assert one.submitted_by_id == users["officer"].id and one.period_id == data["period"].id
    # The same token cannot be confirmed twice.
    versions = sorted((r.id, r.version) for r in reports.values())
    again = client.post(
        "/exports/template/confirm",
        data={"period_id": data["period"].id, "token": token},
        follow_redirects=True,
    )
    assert "预览已过期或不存在" in again.get_data(as_text=True)
    session.expire_all()
    assert sorted((r.id, r.version) for r in session.scalars(select(StatusReport))) == versions


def test_template_for_another_period_is_refused(app, users, role_client):
    data = _setup()
    client = role_client("officer")
    filled = _fill(_template(client, data["other"]), FILLED)
    page = _upload(client, data["period"], filled, follow=True).get_data(as_text=True)
    assert "这是 2025Q3 期间的模板，不能导入到 2025Q4 期间" in page
    assert session.scalar(select(StatusReport.id)) is None


def test_template_with_another_countys_projects_is_refused(app, users, role_client):
    data = _setup()
    planners = _fill(_template(role_client("planner"), data["period"]), FILLED)
    page = _upload(role_client("officer"), data["period"], planners, follow=True).get_data(as_text=True)
    assert "不在您的填报范围内" in page and "孟州市工程" in page
    assert session.scalar(select(StatusReport.id)) is None


def test_tampered_project_ids_are_refused(app, users, role_client):
    data = _setup()
    client = role_client("officer")
    tampered = _fill(_template(client, data["period"]), FILLED, ids={data["wen2"].id: data["meng"].id})
    page = _upload(client, data["period"], tampered, follow=True).get_data(as_text=True)
    assert "模板校验失败" in page
    assert session.scalar(select(StatusReport.id)) is None


def test_bad_cells_are_listed_by_row_and_column_and_nothing_is_written(app, users, role_client):
    data = _setup()
    client = role_client("officer")
    bad = {
        "温县一号工程": {"本期完成投资（万元）": "很多", "累计完成比例（%）": 150, "形象进度": "进行中"},
        "温县二号工程": {"项目状态变更": "差不多完成", "本期完成投资（万元）": 5},
    }
    page = _upload(client, data["period"], _fill(_template(client, data["period"]), bad)).get_data(
        as_text=True
    )
    assert "整个文件未导入" in page
    issues = re.findall(
        r'<tr class="error-row"><td class="num">(\d+)</td><td>([A-Z—]+)</td><td>([^<]+)</td>', page
    )
    cells = {(row, col, header) for row, col, header in issues}
    rows = {name: str(FIRST_ROW + i) for i, name in enumerate(["温县一号工程", "温县二号工程"])}
    assert (rows["温县一号工程"], "J", "本期完成投资（万元）") in cells
    assert (rows["温县一号工程"], "K", "累计完成比例（%）") in cells
    assert (rows["温县二号工程"], "M", "项目状态变更") in cells
    assert (rows["温县二号工程"], "L", "形象进度") in cells  # required to submit
    assert "确认报送" not in page
    assert session.scalar(select(StatusReport.id)) is None


def test_a_report_changed_since_download_is_a_row_conflict(app, users, role_client):
    data = _setup()
    client = role_client("officer")
    template = _template(client, data["period"])
    make_report(data["wen1"], data["period"], ReportStatus.DRAFT, invested="1", pct="1")
    session.commit()
    page = _upload(client, data["period"], _fill(template, FILLED)).get_data(as_text=True)
    assert "已被他人修改" in page and "温县一号工程" in page
    assert session.scalar(select(StatusReport.status)) == ReportStatus.DRAFT


def test_a_file_that_is_not_a_workbook_gets_a_message(app, users, role_client):
    data = _setup()
    page = _upload(role_client("officer"), data["period"], b"name,value\n1,2\n", follow=True).get_data(
        as_text=True
    )
    assert "不是 Excel 工作簿" in page


def test_reviewer_may_not_use_templates(app, users, role_client):
    data = _setup()
    assert (
        role_client("reviewer").get(f"/exports/periods/{data['period'].id}/template.xlsx").status_code == 403
    )


def test_import_progress_command_dry_run_then_import(app, users, role_client, runner, tmp_path):
    data = _setup()
    path = tmp_path / "filled.xlsx"
    path.write_bytes(_fill(_template(role_client("officer"), data["period"]), FILLED))
    dry = runner.invoke(args=["import-progress", str(path), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    assert report["counts"]["submit"] == 2 and report["imported"] is False
    assert session.scalar(select(StatusReport.id)) is None
    done = runner.invoke(args=["import-progress", str(path)])
    assert done.exit_code == 0 and "已报送 2 份" in done.output
    assert len(session.scalars(select(StatusReport)).all()) == 2
    wrong = runner.invoke(args=["import-progress", str(path), "--period", "2025Q3"])
    assert wrong.exit_code == 2 and "不能导入到 2025Q3" in wrong.output


def test_template_without_a_period_is_for_the_open_one(app, users, role_client):
    data = _setup()
    content = role_client("officer").get("/exports/template.xlsx").data
    title = openpyxl.load_workbook(io.BytesIO(content))[DATA]["A1"].value
    assert data["other"].code == "2025Q3" and "2025年第3季度" in title  # the earliest open period


def test_rows_repeating_an_approved_report_are_skipped(app, users, role_client):
    data = _setup()
    make_report(data["wen1"], data["period"], ReportStatus.APPROVED, invested="7", pct="20")
    session.commit()
    client = role_client("officer")
    filled = _fill(_template(client, data["period"]), {"温县二号工程": FILLED["温县二号工程"]})
    page = _upload(client, data["period"], filled).get_data(as_text=True)
    assert "确认报送 1 份报告" in page and "未改动，跳过" in page
    changed = _fill(_template(client, data["period"]), {"温县一号工程": {"形象进度": "改写已审核的报告"}})
    refused = _upload(client, data["period"], changed).get_data(as_text=True)
    assert "整个文件未导入" in refused and "已通过，不能再修改" in refused
