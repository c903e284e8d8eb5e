"""A layout issued as a fill-in template (issue 17, item 3): its input columns, renamed and in the layout's
order, are read back by the signed column map through the same validated upload as today's template."""

import io
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from portfolio.db import session
from portfolio.exports import template_columns
from portfolio.exports.template_sheet import INPUTS, META_SHEET, LayoutStamp
from portfolio.funding.models import ReportFunding
from portfolio.layouts.catalogue import FIXED, input_key
from portfolio.layouts.models import SheetLayout
from portfolio.layouts.services import (
    LayoutRefused,
    check_layout,
    delete_layout,
    import_layout,
    layout_json,
    save_layout,
)
from portfolio.layouts.spec import LayoutColumn, LayoutSpec
from portfolio.localtime import local_today
from portfolio.reporting.models import PeriodStatus, ReportStatus, StatusReport
from tests.exports.test_template import _upload  # the same upload route as today's template
from tests.factories import make_period, make_project, make_report
from tests.funding.helpers import sources
from tests.layouts.data import CENTRAL

DATA = "进度填报"
HEADER_ROW, FIRST_ROW = 3, 4
NAME = "发改委重点项目月报"


def monthly_spec() -> LayoutSpec:
    """Inputs renamed and out of today's order, between read-only context columns, grouped by county."""
    return LayoutSpec(
        title="焦作市“{规划}”重点项目月报（{县区}，{期间}）",
        columns=[
            LayoutColumn("name", "项目", 30),
            LayoutColumn("progress_text", "进展情况", 30, input=True),
            LayoutColumn("locations", "县区", 10, "center"),
            LayoutColumn("percent_complete", "完成比例", 10, "rate", input=True),
            LayoutColumn("period_invested", "本期完成", 12, "money", "投资（万元）", input=True),
            LayoutColumn(f"fund:period:{sources()[CENTRAL].id}", "中央资金到位", 12, "money", input=True),
            LayoutColumn("problems", "存在问题", 20, input=True),
            LayoutColumn("total_investment_wan", "总投资", 12, "money"),
        ],
        grouping="county",
    )


@pytest.fixture
def world(app, users):
    wen1 = make_project(name="温县一号工程", total_investment_wan=Decimal("3000"))
    wen2 = make_project(name="温县二号工程", category=3)
    meng = make_project(name="孟州市工程", counties=["孟州市"])
    period = make_period(wen1.plan, "2025Q4", deadline=local_today() + timedelta(days=30))
    # A draft already holding what the layout does not ask for: it must survive the upload.
    make_report(
        wen2,
        period,
        ReportStatus.DRAFT,
        invested=None,
        pct=None,
        progress_text=None,
        coordination="需市里协调用地",
    )
    layout = save_layout(users["planner"], None, NAME, monthly_spec())
    columns = [LayoutColumn("name", "项目", 30), LayoutColumn("locations", "县区", 10, "center")]
    save_layout(users["planner"], None, "财政局资金表", LayoutSpec("资金表", columns))
    session.commit()
    return {"wen1": wen1, "wen2": wen2, "meng": meng, "period": period, "layout": layout}


def _download(client, world, layout=None):
    layout = layout or world["layout"]
    return client.get(f"/layouts/{layout.id}/template.xlsx?period={world['period'].id}")


def _columns(ws) -> dict[str, int]:
    return {ws.cell(HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}


def _rows(ws) -> dict[str, int]:
    cols, rows, r = _columns(ws), {}, FIRST_ROW
    while ws.cell(r, cols["项目ID"]).value is not None:
        rows[ws.cell(r, cols["项目"]).value] = r
        r += 1
    return rows


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill(content: bytes, values: dict[str, dict[str, object]]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[DATA]
    cols, rows = _columns(ws), _rows(ws)
    for name, cells in values.items():
        for header, value in cells.items():
            ws.cell(rows[name], cols[header]).value = value
    return _save(wb)


def _confirm(client, period, preview_page: str):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview_page).group(1)
    return client.post(
        "/exports/template/confirm", data={"period_id": period.id, "token": token}, follow_redirects=True
    )


def _written() -> tuple:
    """Everything an upload may write: the reports as they stand and the funds received."""
    reports = session.execute(select(StatusReport.id, StatusReport.version, StatusReport.status)).all()
    funds = session.execute(
        select(ReportFunding.report_id, ReportFunding.source_id, ReportFunding.amount_wan)
    )
    return sorted(reports), sorted(funds.all())


FILLED = {
    "温县一号工程": {
        "进展情况": "主体完工",
        "完成比例": 35,
        "投资（万元）／本期完成": 120.5,
        "中央资金到位": 50,
    },
    "温县二号工程": {"进展情况": "基础施工", "完成比例": "12.5%", "投资（万元）／本期完成": "80"},
}


def test_the_template_follows_the_layout_inputs_unlocked_context_locked(world, role_client):
    response = _download(role_client("officer"), world)
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    ws = wb[DATA]
    cols = _columns(ws)
    assert list(cols)[2:] == [
        "项目",
        "进展情况",
        "县区",
        "完成比例",
        "投资（万元）／本期完成",
        "中央资金到位",
        "存在问题",
        "总投资",
    ]
    assert set(_rows(ws)) == {"温县一号工程", "温县二号工程"}  # the officer's county only, no 小计 rows
    row = _rows(ws)["温县一号工程"]
    assert ws.cell(row, cols["总投资"]).value == 3000 and ws.cell(row, cols["县区"]).value == "温县"
    for header in ("进展情况", "完成比例", "投资（万元）／本期完成", "中央资金到位", "存在问题"):
        assert not ws.cell(row, cols[header]).protection.locked, header
    for header in ("项目", "县区", "总投资", "项目ID"):
        assert ws.cell(row, cols[header]).protection.locked, header
    assert ws.protection.sheet and ws.column_dimensions["A"].hidden
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"decimal", "textLength"} <= kinds
    meta = {r[0]: r[1:] for r in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta["layout_id"][0] == str(world["layout"].id) and meta["layout_version"][0] == "1"
    assert wb[META_SHEET].sheet_state == "veryHidden"
    tokens = [r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0] == "column"]
    assert tokens[:4] == ["project_id", "version", "show:name", "progress_text"]
    assert f"fund:{sources()[CENTRAL].id}" in tokens


def test_round_trip_submits_reports_by_the_signed_column_map(world, role_client, users):
    client = role_client("officer")
    filled = _fill(_download(client, world).data, FILLED)
    preview = _upload(client, world["period"], filled)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "确认报送 2 份报告" in page, page
    assert f"由报表版式“{NAME}”下发的填报模板" in page
    assert session.scalar(select(func.count(StatusReport.id))) == 1  # the preview wrote nothing
    done = _confirm(client, world["period"], page).get_data(as_text=True)
    assert "已报送 2 份进度报告" in done
    session.expire_all()
    reports = {r.project.name: r for r in session.scalars(select(StatusReport))}
    one, two = reports["温县一号工程"], reports["温县二号工程"]
    assert one.status == two.status == ReportStatus.SUBMITTED
    assert (one.progress_text, one.percent_complete, one.invested_wan) == ("主体完工", 35, Decimal("120.5"))
    assert (two.progress_text, two.percent_complete, two.invested_wan) == ("基础施工", Decimal("12.5"), 80)
    assert two.coordination == "需市里协调用地"  # not a column of the layout: kept, not cleared
    assert one.submitted_by_id == users["officer"].id
    funds = session.scalars(select(ReportFunding)).all()
    assert [(f.report_id, f.source_id, f.amount_wan) for f in funds] == [
        (one.id, sources()[CENTRAL].id, Decimal("50"))
    ]


def test_bad_cells_are_named_by_the_layout_headers_and_nothing_is_written(world, role_client):
    client = role_client("officer")
    before = _written()
    bad = {"温县一号工程": {"进展情况": "施工中", "完成比例": 150, "投资（万元）／本期完成": "很多"}}
    page = _upload(client, world["period"], _fill(_download(client, world).data, bad)).get_data(as_text=True)
    assert "整个文件未导入" in page and "确认报送" not in page
    issues = set(
        re.findall(r'<tr class="error-row"><td class="num">\d+</td><td>([A-Z])</td><td>([^<]+)</td>', page)
    )
    assert {("F", "完成比例"), ("G", "投资（万元）／本期完成")} <= issues
    assert _written() == before


def test_a_required_field_the_layout_lacks_must_already_be_in_the_report(world, role_client, users):
    spec = monthly_spec()
    spec.columns = [c for c in spec.columns if c.key != "progress_text"]
    layout = save_layout(users["planner"], world["layout"], NAME, spec, 1)
    session.commit()
    client = role_client("officer")
    filled = _fill(
        _download(client, world, layout).data, {"温县二号工程": {"完成比例": 5, "投资（万元）／本期完成": 1}}
    )
    page = _upload(client, world["period"], filled).get_data(as_text=True)
    assert "本期报告还没有“形象进度”，本模板又没有这一列" in page and "整个文件未导入" in page


def _edit_meta(content: bytes, key: str, value: str) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for row in wb[META_SHEET].iter_rows():
        if row[0].value == key:
            row[1].value = value
            break
    return _save(wb)


def _swap_meta_columns(content: bytes) -> bytes:
    """Point the column map's 完成比例 and 本期完成 at each other, keeping the headers."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    cells = {r[1].value: r[1] for r in wb[META_SHEET].iter_rows() if r[0].value == "column"}
    cells["percent_complete"].value, cells["invested_wan"].value = "invested_wan", "percent_complete"
    return _save(wb)


def _insert_column(content: bytes) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    wb[DATA].insert_cols(4)
    return _save(wb)


TAMPERING = {
    "layout version in _meta": (lambda c: _edit_meta(c, "layout_version", "2"), "模板校验失败"),
    "column map in _meta": (_swap_meta_columns, "模板校验失败"),
    "a column inserted": (_insert_column, "模板表头被修改过"),
    "scope in _meta": (lambda c: _edit_meta(c, "scope", "焦作市生态环境局"), "模板校验失败"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_a_tampered_template_is_refused_and_nothing_is_written(world, role_client, case):
    client = role_client("officer")
    before = _written()
    tamper, message = TAMPERING[case]
    filled = tamper(_fill(_download(client, world).data, FILLED))
    page = _upload(client, world["period"], filled, follow=True).get_data(as_text=True)
    assert message in page, page
    assert _written() == before


def test_a_layout_changed_or_deleted_since_issuing_is_refused(world, role_client, users):
    client = role_client("officer")
    filled = _fill(_download(client, world).data, FILLED)
    before = _written()
    spec = monthly_spec()
    spec.columns[1].header = "形象进度"
    save_layout(users["planner"], world["layout"], NAME, spec, 1)
    session.commit()
    page = _upload(client, world["period"], filled, follow=True).get_data(as_text=True)
    assert f"下载模板后报表版式“{NAME}”已修改（模板为第 1 版，现为第 2 版）" in page
    delete_layout(users["planner"], world["layout"])
    session.commit()
    page = _upload(client, world["period"], filled, follow=True).get_data(as_text=True)
    assert f"生成该模板的报表版式“{NAME}”已被删除" in page
    assert _written() == before


def test_a_stamp_naming_another_layout_at_its_id_and_version_is_refused(world):
    """SQLite gives the highest deleted layout's id to the next layout made, at version 1: a template issued
    from the deleted one must not pass as the new one's."""
    layout = world["layout"]
    stamp = LayoutStamp(layout.id, layout.version, "已删除的月报", "温县", ())
    with pytest.raises(template_columns.RefusedTemplate, match="生成该模板的报表版式“已删除的月报”已被删除"):
        template_columns.check_layout(stamp)
    template_columns.check_layout(replace(stamp, name=layout.name))


def test_a_period_closed_since_issuing_writes_nothing(world, role_client):
    client = role_client("officer")
    filled = _fill(_download(client, world).data, FILLED)
    before = _written()
    world["period"].status = PeriodStatus.LOCKED
    session.commit()
    page = _upload(client, world["period"], filled, follow=True).get_data(as_text=True)
    assert "期间已锁定" in page and "整个文件未导入" in page
    assert _written() == before
    refused = client.get(f"/layouts/{world['layout'].id}/template.xlsx?period={world['period'].id}")
    assert refused.status_code == 302
    assert "期间已锁定，不能再下载填报模板" in client.get(refused.location).get_data(as_text=True)


def test_another_countys_projects_are_refused(world, role_client):
    planners = _fill(_download(role_client("planner"), world).data, FILLED)
    before = _written()
    page = _upload(role_client("officer"), world["period"], planners, follow=True).get_data(as_text=True)
    assert "不在您的填报范围内" in page and "孟州市工程" in page
    assert _written() == before


def test_scope_follows_the_template_rule(world, role_client):
    ws = openpyxl.load_workbook(io.BytesIO(_download(role_client("other_officer"), world).data))[DATA]
    assert set(_rows(ws)) == {"孟州市工程"}
    ws = openpyxl.load_workbook(io.BytesIO(_download(role_client("planner"), world).data))[DATA]
    assert set(_rows(ws)) == {"温县一号工程", "温县二号工程", "孟州市工程"}
    assert _download(role_client("reviewer"), world).status_code == 403


def test_a_layout_without_inputs_offers_no_template(world, role_client):
    plain = session.scalar(select(SheetLayout).where(SheetLayout.name == "财政局资金表"))
    client = role_client("officer")
    refused = _download(client, world, plain)
    assert refused.status_code == 302
    assert "报表版式“财政局资金表”没有填报列，不能下载填报模板" in client.get(refused.location).get_data(
        as_text=True
    )
    page = client.get(f"/exports?period={world['period'].id}").get_data(as_text=True)
    assert f"/layouts/{world['layout'].id}/template.xlsx" in page
    assert f"/layouts/{plain.id}/template.xlsx" not in page
    reviewers = role_client("reviewer").get(f"/exports?period={world['period'].id}").get_data(as_text=True)
    assert NAME in reviewers and "下载填报模板" not in reviewers  # the sheet, but no template to fill


def test_input_columns_must_be_report_fields_each_once(app):
    spec = monthly_spec()
    spec.columns[0].input = True  # 项目名称
    spec.columns.append(LayoutColumn("period_invested", "本期完成投资（再次）", 12, "money", input=True))
    with pytest.raises(LayoutRefused) as refused:
        check_layout("坏版式", spec)
    problems = refused.value.problems
    assert any(p.startswith("第 1 列“项目”不能设为填报列") for p in problems), problems
    assert "第 9 列与第 5 列填报的是同一项，每项只能设一个填报列。" in problems


def test_every_field_todays_template_accepts_can_be_an_input_column():
    """The inputs come from today's template (INPUTS), and each has a layout column that fills it."""
    fills = {input_key(key) for key in FIXED} - {None}
    assert fills == set(INPUTS)
    assert input_key("fund:period:7") == "fund:7" and input_key("fund:period:all") is None
    assert input_key("fund:year:7") is None and input_key("name") is None


def test_the_editor_marks_input_columns_and_refuses_bad_ones(world, role_client):
    planner = role_client("planner")
    page = planner.get(f"/layouts/{world['layout'].id}").get_data(as_text=True)
    assert "<th>填报</th>" in page and "本版式现有 5 个填报列" in page
    assert page.count('class="input-column"') == 5
    assert "进度·本期完成投资（可填报）" in page and "项目信息·项目名称（可填报）" not in page
    form = {
        "name": "县区填报表",
        "title": "{期间}填报",
        "grouping": "none",
        "sort": "seq",
        "paper": "A4",
        "orientation": "landscape",
        "action": "save",
    }
    columns = [("name", ""), ("period_invested", "y"), ("progress_text", "y"), ("name", "y")]
    for i, (key, ticked) in enumerate(columns):
        form |= {f"columns-{i}-position": str(i + 1), f"columns-{i}-key": key, f"columns-{i}-width": "12"}
        form |= {f"columns-{i}-header": f"第{i}列", f"columns-{i}-style": "text"}
        if ticked:
            form[f"columns-{i}-input"] = "y"
    refused = planner.post("/layouts/new", data=form).get_data(as_text=True)
    assert "第 4 列“第3列”不能设为填报列" in refused
    assert session.scalar(select(SheetLayout).where(SheetLayout.name == "县区填报表")) is None
    del form["columns-3-input"]
    assert planner.post("/layouts/new", data=form).status_code == 302
    saved = session.scalar(select(SheetLayout).where(SheetLayout.name == "县区填报表"))
    assert [c.get("input", False) for c in saved.spec["columns"]] == [False, True, True, False]
    assert saved.issues_template and "可下发填报模板" in planner.get("/layouts").get_data(as_text=True)


def test_the_import_progress_command_reads_a_layout_template(world, role_client, runner, tmp_path):
    path = tmp_path / "月报.xlsx"
    path.write_bytes(_fill(_download(role_client("officer"), world).data, FILLED))
    done = runner.invoke(args=["import-progress", str(path)])
    assert done.exit_code == 0 and "已报送 2 份" in done.output, done.output
    session.expire_all()
    assert (
        session.scalar(
            select(func.count(StatusReport.id)).where(StatusReport.status == ReportStatus.SUBMITTED)
        )
        == 2
    )


def test_a_report_saved_since_issuing_is_a_stale_row_and_nothing_is_written(world, role_client):
    client = role_client("officer")
    filled = _fill(_download(client, world).data, FILLED)
    make_report(world["wen1"], world["period"], ReportStatus.DRAFT, invested="1", pct="1")
    session.commit()
    before = _written()
    page = _upload(client, world["period"], filled).get_data(as_text=True)
    assert "已被他人修改" in page and "温县一号工程" in page and "整个文件未导入" in page
    assert _written() == before


def test_a_funding_source_removed_since_issuing_is_refused(world, role_client):
    client = role_client("officer")
    filled = _fill(_download(client, world).data, FILLED)
    session.delete(sources()[CENTRAL])
    session.commit()
    page = _upload(client, world["period"], filled, follow=True).get_data(as_text=True)
    assert "下载模板后资金来源清单已变更" in page
    assert session.scalar(select(func.count(StatusReport.id))) == 1


def test_input_columns_travel_in_the_shared_json_file(world, users):
    data = layout_json(world["layout"])
    copy = import_layout(users["planner"], data, "月报（导入）")
    assert copy.issues_template and copy.spec["columns"] == world["layout"].spec["columns"]
