"""本期到位资金 in the fill-in template: a column per funding source, round trip through upload, confirm."""

import io
import json
import re
from decimal import Decimal

import openpyxl
from sqlalchemy import func, select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.exports.template_sheet import HEADERS, META_SHEET, funding_header
from portfolio.funding.models import ReportFunding
from portfolio.reporting.models import ReportStatus, StatusReport
from tests.exports.test_template import DATA, FILLED, FIRST_ROW, _setup, _template, _upload, data_rows
from tests.factories import make_report
from tests.funding.helpers import sources

LOAN, BOND = funding_header("银行贷款"), funding_header("地方政府专项债券")


def _columns(ws) -> dict[str, int]:
    return {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}


def _fill(content: bytes, values: dict[str, dict[str, object]]) -> bytes:
    """Fill rows by project name: {name: {header: value}}, funding columns included."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[DATA]
    col = _columns(ws)
    for r in data_rows(ws):
        for header, value in values.get(ws.cell(r, col["项目名称"]).value, {}).items():
            ws.cell(r, col[header]).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _confirm(client, period, page: str):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(
        "/exports/template/confirm", data={"period_id": period.id, "token": token}, follow_redirects=True
    )


def _funds(project_name: str) -> dict[str, Decimal]:
    session.expire_all()
    names = {s.id: name for name, s in sources().items()}
    report = next(r for r in session.scalars(select(StatusReport)) if r.project.name == project_name)
    rows = session.scalars(select(ReportFunding).where(ReportFunding.report_id == report.id))
    return {names[r.source_id]: r.amount_wan for r in rows}


def test_one_unlocked_validated_column_per_source_prefilled_from_the_draft(app, users, role_client):
    data = _setup()
    draft = make_report(data["wen1"], data["period"], ReportStatus.DRAFT)
    session.add(ReportFunding(report_id=draft.id, source_id=sources()["银行贷款"].id, amount_wan=Decimal(33)))
    session.commit()
    wb = openpyxl.load_workbook(io.BytesIO(_template(role_client("officer"), data["period"])))
    ws = wb[DATA]
    ordered = sorted(sources().values(), key=lambda s: s.position)
    headers = [ws.cell(3, c).value for c in range(1, ws.max_column + 1)]
    assert headers == HEADERS + [funding_header(s.name) for s in ordered]
    col = _columns(ws)
    row = next(r for r in data_rows(ws) if ws.cell(r, col["项目名称"]).value == "温县一号工程")
    assert ws.cell(row, col[LOAN]).value == 33 and ws.cell(row, col[BOND]).value is None
    assert not ws.cell(row, col[LOAN]).protection.locked
    funds_rule = next(dv for dv in ws.data_validations.dataValidation if "本期到位资金" in (dv.error or ""))
    assert funds_rule.type == "decimal" and funds_rule.operator == "greaterThanOrEqual"
    meta = {r[0].value: r[1].value for r in wb[META_SHEET].iter_rows()}
    assert meta["source_ids"] == ",".join(str(s.id) for s in ordered)


def test_round_trip_writes_the_funds_with_the_submitted_reports(app, users, role_client):
    data = _setup()
    draft = make_report(data["wen1"], data["period"], ReportStatus.DRAFT)
    session.add(ReportFunding(report_id=draft.id, source_id=sources()["其他"].id, amount_wan=Decimal(9)))
    session.commit()
    client = role_client("officer")
    filled = FILLED | {
        "温县一号工程": FILLED["温县一号工程"] | {LOAN: 150, BOND: "50万元", funding_header("其他"): None},
        "温县二号工程": FILLED["温县二号工程"] | {LOAN: "0"},
    }
    page = _upload(client, data["period"], _fill(_template(client, data["period"]), filled)).get_data(
        as_text=True
    )
    assert "确认报送 2 份报告" in page, page
    # the preview shows the funds, in the plan's order
    assert "地方政府专项债券 50.00；银行贷款 150.00" in page
    assert session.scalar(select(func.count()).select_from(ReportFunding)) == 1  # the preview wrote nothing
    assert "已报送 2 份进度报告" in _confirm(client, data["period"], page).get_data(as_text=True)
    assert _funds("温县一号工程") == {"银行贷款": 150, "地方政府专项债券": 50}  # the blank 其他 is gone
    assert _funds("温县二号工程") == {}  # 0 received is no row
    session.expire_all()
    assert {r.status for r in session.scalars(select(StatusReport))} == {ReportStatus.SUBMITTED}
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "report.funding_update")
        )
        == 1
    )


def test_bad_funds_are_listed_by_cell_and_nothing_is_written(app, users, role_client):
    data = _setup()
    client = role_client("officer")
    bad = {"温县一号工程": FILLED["温县一号工程"] | {LOAN: -5}, "温县二号工程": {BOND: "很多"}}
    content = _template(client, data["period"])
    ws = openpyxl.load_workbook(io.BytesIO(content))[DATA]
    letters = {h: openpyxl.utils.get_column_letter(c) for h, c in _columns(ws).items()}
    page = _upload(client, data["period"], _fill(content, bad)).get_data(as_text=True)
    assert "整个文件未导入" in page and "确认报送" not in page
    issues = set(
        re.findall(r'<tr class="error-row"><td class="num">(\d+)</td><td>([A-Z]+)</td><td>([^<]+)</td>', page)
    )
    assert (str(FIRST_ROW), letters[LOAN], LOAN) in issues
    assert (str(FIRST_ROW + 1), letters[BOND], BOND) in issues
    assert (str(FIRST_ROW + 1), letters["形象进度"], "形象进度") in issues  # funds alone are not a report
    assert session.scalar(select(func.count()).select_from(StatusReport)) == 0


def test_a_source_list_changed_since_download_refuses_the_file(app, users, role_client):
    data = _setup()
    client = role_client("officer")
    filled = _fill(_template(client, data["period"]), {"温县一号工程": FILLED["温县一号工程"] | {LOAN: 1}})
    sources()["银行贷款"].name = "金融机构贷款"
    session.commit()
    page = _upload(client, data["period"], filled, follow=True).get_data(as_text=True)
    assert "资金来源清单已变更" in page
    assert session.scalar(select(func.count()).select_from(StatusReport)) == 0


def test_tampered_source_ids_fail_the_signature(app, users, role_client):
    data = _setup()
    client = role_client("officer")
    wb = openpyxl.load_workbook(io.BytesIO(_template(client, data["period"])))
    meta = wb[META_SHEET]
    row = next(r for r in meta.iter_rows() if r[0].value == "source_ids")
    ids = row[1].value.split(",")
    row[1].value = ",".join([ids[1], ids[0], *ids[2:]])  # swap two sources' columns
    out = io.BytesIO()
    wb.save(out)
    page = _upload(client, data["period"], out.getvalue(), follow=True).get_data(as_text=True)
    assert "模板校验失败" in page
    assert session.scalar(select(func.count()).select_from(StatusReport)) == 0


def test_a_submitted_report_with_other_funds_is_not_unchanged(app, users, role_client):
    data = _setup()
    client = role_client("officer")
    one = FILLED["温县一号工程"] | {LOAN: 10}
    page = _upload(client, data["period"], _fill(_template(client, data["period"]), {"温县一号工程": one}))
    _confirm(client, data["period"], page.get_data(as_text=True))
    template = _template(client, data["period"])
    same = _upload(client, data["period"], _fill(template, {})).get_data(as_text=True)
    assert "未改动，跳过" in same and "确认报送" not in same
    other = _upload(client, data["period"], _fill(template, {"温县一号工程": {LOAN: 11}})).get_data(
        as_text=True
    )
    assert "整个文件未导入" in other and "不能再修改" in other
    assert _funds("温县一号工程") == {"银行贷款": 10}


def test_import_progress_command_writes_the_funds(app, users, role_client, runner, tmp_path):
    data = _setup()
    path = tmp_path / "filled.xlsx"
    one = FILLED["温县一号工程"] | {LOAN: 12.5}
    path.write_bytes(_fill(_template(role_client("officer"), data["period"]), {"温县一号工程": one}))
    dry = runner.invoke(args=["import-progress", str(path), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    [row] = [r for r in json.loads(dry.output)["rows"] if r["outcome"] == "submit"]
    assert row["funds"] == {"银行贷款": "12.5000"}
    assert session.scalar(select(func.count()).select_from(ReportFunding)) == 0
    done = runner.invoke(args=["import-progress", str(path)])
    assert done.exit_code == 0 and "已报送 1 份" in done.output
    assert _funds("温县一号工程") == {"银行贷款": Decimal("12.5")}
