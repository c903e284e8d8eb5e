"""What an examiner tried on layouts: hostile names and texts, shared files of the wrong shape, stale and
version-less edits, the audit log's wording, and the command line's failures. Each is refused in Chinese
(or written safely), never a 500, and nothing is half-saved."""

import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portfolio.audit.display import field_changes
from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.exports.sheet_layout import sheet_name
from portfolio.funding.models import ProjectFunding
from portfolio.funding.services import ensure_default_sources
from portfolio.layouts.models import SheetLayout
from portfolio.layouts.services import (
    LayoutRefused,
    import_layout,
    layout_json,
    read_layout_json,
    save_layout,
)
from portfolio.layouts.sheets import export_all_layouts, export_layout
from portfolio.layouts.spec import LayoutColumn, LayoutSpec
from portfolio.projects.seed_data import PLAN_14
from portfolio.projects.services import load_plan
from tests.exports.sheets import open_xlsx
from tests.factories import make_period, make_project
from tests.funding.helpers import sources
from tests.layouts.data import finance_spec, funded_portfolio
from tests.layouts.test_editor import finance_form


def _problems(users, name: str, spec: LayoutSpec) -> str:
    with pytest.raises(LayoutRefused) as caught:
        save_layout(users["planner"], None, name, spec)
    return "；".join(caught.value.problems)


def _spec(*headers: str, **changes) -> LayoutSpec:
    keys = ["name", "lead_unit", "locations", "category"]
    columns = [LayoutColumn(keys[i], h) for i, h in enumerate(headers)]
    return LayoutSpec(**({"title": "{规划}{期间}表", "columns": columns} | changes))


@pytest.mark.parametrize(
    "headers",
    [
        ("项目名称", "项目名称\u3000"),
        ("项目名称", "项目 名称"),
        ("ABC", "ＡＢＣ"),
        ("项目名称", "\xa0项目名称"),
    ],
)
def test_headers_that_read_the_same_are_refused_as_repeated(app, users, headers):
    assert "第 2 列的表头" in _problems(users, "表", _spec(*headers))


@pytest.mark.parametrize(
    "name, changes, expected",
    [
        ("=1+1", {}, "版式名称“=1+1”不能以 = + - @ 开头"),
        ("表\x00", {}, "版式名称不能含有换行、制表符等控制字符"),
        ("表", {"title": "{期间}\n表"}, "表格标题不能含有"),
        ("表", {"unit_note": "单位\x07"}, "单位说明不能含有"),
        ("表", {"sheet_name": "'资金'"}, "工作表名称不能含有 [ ] : * ? / \\，也不能以单引号开头或结尾"),
        ("表", {"sheet_name": "甲/乙"}, "工作表名称不能含有"),
        ("表", {"sheet_name": "history"}, "工作表名称不能是 History"),
    ],
)
def test_names_and_texts_a_sheet_cannot_hold_are_refused(app, users, name, changes, expected):
    assert expected in _problems(users, name, _spec("项目名称", **changes))
    assert session.scalar(select(func.count(SheetLayout.id))) == 0


@pytest.mark.parametrize(
    "given, written",
    [
        ("'资金'", "资金"),
        ("甲/乙:丙", "甲_乙_丙"),
        ("History", "History_"),
        ("表\x01", "表_"),
        ("𠀀" * 20, "𠀀" * 15),  # a character beyond the BMP is two of Excel's 31 units
        ("'", "Sheet"),
    ],
)
def test_any_layout_name_gives_a_sheet_name_excel_accepts(given, written):
    assert sheet_name(given) == written


def test_a_layout_named_with_apostrophes_and_slashes_downloads_alone_and_in_the_zip(app, users):
    made = funded_portfolio()
    planner = users["planner"]
    save_layout(planner, None, "'财政/局'", finance_spec())
    save_layout(planner, None, "History", finance_spec())
    layout = session.scalar(select(SheetLayout).where(SheetLayout.name == "'财政/局'"))
    book = open_xlsx(export_layout(planner, layout, made["q1"]).content)
    assert book.sheetnames == ["财政_局"]
    names = zipfile.ZipFile(io.BytesIO(export_all_layouts(planner, made["q1"]).content)).namelist()
    assert len(names) == 2 and all(n.endswith("_2025年第1季度.xlsx") and "/" not in n for n in names)


def test_a_zip_of_no_layouts_is_refused_not_empty(app, users):
    made = funded_portfolio()
    with pytest.raises(DomainError, match="还没有报表版式可打包"):
        export_all_layouts(users["planner"], made["q1"])


def test_an_edit_without_the_version_it_started_from_is_refused(app, users):
    planner = users["planner"]
    layout = save_layout(planner, None, "表", _spec("项目名称"))
    for stale in (None, 0, 2):
        with pytest.raises(DomainError, match="已被他人修改"):
            save_layout(planner, layout, "表", _spec("名称"), expected_version=stale)
    assert layout.version == 1 and layout.spec["columns"][0]["header"] == "项目名称"


def test_the_editor_refuses_a_post_without_a_usable_version(app, users, role_client):
    funded_portfolio()
    client = role_client("planner")
    client.post("/layouts/new", data=finance_form())
    layout = session.scalar(select(SheetLayout))
    for version in ("", "abc", "1e3"):
        page = client.post(f"/layouts/{layout.id}", data=finance_form(title="新标题{期间}", version=version))
        assert page.status_code == 200 and "该版式已被他人修改，请刷新后重新编辑。" in page.get_data(
            as_text=True
        )
    session.expire_all()
    assert layout.version == 1 and layout.spec["title"] != "新标题{期间}"


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"name": "表" * 101}, "字段长度不能超过 100 个字符"),
        ({"columns-0-header": "名" * 201}, "字段长度不能超过 200 个字符"),
        ({"status": "nope"}, "“nope”不在可选范围内，请从列表中勾选。"),
        ({"county": "火星县"}, "“火星县”不在可选范围内"),
        ({"category": "1，a，²"}, "类别序号应为数字，用逗号分隔：“a、²”不是。"),
    ],
)
def test_the_editors_field_messages_are_chinese(app, users, role_client, changes, expected):
    funded_portfolio()
    page = role_client("planner").post("/layouts/new", data=finance_form(**changes))
    text = page.get_data(as_text=True).replace("&#34;", '"')
    assert page.status_code == 200 and expected in text
    assert "Field" not in text and "valid choice" not in text
    assert session.scalar(select(func.count(SheetLayout.id))) == 0


def _document(users, change) -> bytes:
    layout = save_layout(users["planner"], None, "源表", finance_spec())
    document = json.loads(layout_json(layout))
    change(document)
    return json.dumps(document, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d.update(version=2), "版式文件的格式版本是“2”，本系统只能读取第 1 版"),
        (lambda d: d.pop("version"), "版式文件没有注明格式版本"),
        (lambda d: d.update(version=True), "格式版本是“True”"),
        (lambda d: d.update(shared_by="洛阳"), "版式文件中“shared_by”不是本系统的版式设置"),
        (lambda d: d["spec"].update(freeze=True), "“spec.freeze”不是本系统的版式设置"),
        (lambda d: d["spec"]["columns"][0].update(bold=1), "“spec.columns[1].bold”不是本系统的版式设置"),
        (lambda d: d["spec"].update(totals="false"), "“spec.totals”应为是或否（true/false）"),
        (lambda d: d["spec"]["filters"].update(status="planning"), "“spec.filters.status”应为列表"),
        (lambda d: d["spec"]["filters"].update(category=[1.5]), "“spec.filters.category[1]”应为整数"),
        (lambda d: d["spec"]["columns"][0].update(width="wide"), "“spec.columns[1].width”应为数字"),
        (lambda d: d["spec"]["columns"][0].pop("key"), "缺少“spec.columns[1].key”"),
        (lambda d: d.update(name=["表"]), "“name”应为文字"),
        (lambda d: d["spec"].update(columns={"a": 1}), "“spec.columns”应为列表"),
        (lambda d: d["spec"].update(sheet_name="'表'"), "工作表名称不能含有"),
        (lambda d: d["spec"]["columns"][0].update(header="项目\x00名称"), "不能含有换行、制表符等控制字符"),
    ],
)
def test_a_shared_file_of_the_wrong_shape_is_refused_by_name(app, users, change, expected):
    data = _document(users, change)
    with pytest.raises(DomainError) as caught:
        import_layout(users["planner"], data, "导入的表")
    assert expected in caught.value.message
    assert session.scalar(select(func.count(SheetLayout.id))) == 1  # only the one exported


def test_a_shared_file_nested_thousands_deep_is_unreadable_not_a_crash(app, users):
    with pytest.raises(DomainError, match="无法读取版式文件"):
        read_layout_json(b"[" * 90_000 + b"]" * 90_000)


def test_the_audit_log_shows_a_layout_in_words(app, users):
    planner = users["planner"]
    layout = save_layout(planner, None, "财政局资金情况表", finance_spec())
    spec = finance_spec()
    spec.grouping, spec.orientation = "lead_unit", "portrait"
    save_layout(planner, layout, "财政局资金情况表", spec, expected_version=1)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "layout.save")).all()[-1]
    changes = field_changes(entry.before, entry.after, entry.entity_type)
    assert ("分组", "按县区", "按牵头单位") in changes and ("纸张", "A4 横向", "A4 纵向") in changes
    assert ("版本", "1", "2") in changes and len(changes) == 3
    created = session.scalars(select(AuditEntry).where(AuditEntry.action == "layout.save")).first()
    shown = " ".join(f"{label} {new}" for label, _, new in field_changes(None, created.after))
    assert "中央预算内投资（计划资金·中央预算内投资，金额 #,##0.00，列宽 12，合并表头“资金来源”）" in shown
    for code in ("grouping", "county", "landscape", "fund:", "spec", "version", "money"):
        assert code not in shown


def test_a_long_title_and_long_headers_wrap_in_taller_rows(app, users):
    made = funded_portfolio()
    spec = finance_spec()
    spec.title = "焦作市重大工程项目资金到位情况及财政资金拨付进度统计表" * 5 + "（{期间}）"
    spec.columns[1].header = "牵头单位（项目法人单位或行业主管部门，含联系人及联系电话）"
    spec.columns[3].group = "资金来源（含中央预算内投资、地方政府专项债券及其他各级财政资金）"
    layout = save_layout(users["planner"], None, "长表", spec)
    ws = open_xlsx(export_layout(users["planner"], layout, made["q1"]).content).worksheets[0]
    assert ws["A1"].alignment.wrap_text and ws.row_dimensions[1].height > 80
    assert ws.row_dimensions[3].height > 22  # the long group header; the long 牵头单位 spans both rows
    usual = save_layout(users["planner"], None, "财政局资金情况表", finance_spec())
    ws = open_xlsx(export_layout(users["planner"], usual, made["q1"]).content).worksheets[0]
    assert not ws["A1"].alignment.wrap_text and ws.row_dimensions[1].height == 30
    assert (ws.row_dimensions[3].height, ws.row_dimensions[4].height) == (21.75, 36)  # 22 in Excel units


def _later_plan():
    later = load_plan(
        PLAN_14 | {"name": "下一规划", "short_name": "十五五", "start_year": 2026, "end_year": 2030}
    )
    ensure_default_sources(later)
    return later


def test_a_funding_column_reads_the_periods_plan_source_of_the_same_name(app, users):
    funded_portfolio()
    layout = save_layout(users["planner"], None, "财政局资金情况表", finance_spec())  # the 十四五's sources
    later = load_plan(
        PLAN_14 | {"name": "下一规划", "short_name": "十五五", "start_year": 2026, "end_year": 2030}
    )
    ensure_default_sources(later)
    project = make_project(plan=later, name="十五五项目", total_investment_wan=Decimal("900"))
    central = sources(later)["中央预算内投资"]
    session.add(ProjectFunding(project_id=project.id, source_id=central.id, amount_wan=Decimal("300")))
    session.flush()
    ws = open_xlsx(export_layout(users["planner"], layout, make_period(later, "2026Q1")).content).worksheets[
        0
    ]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True)}
    assert rows["十五五项目"][2:4] == (900, 300) and rows["合计（1个项目）"][3] == 300


def test_the_editor_names_a_column_chosen_under_another_plan(app, users, role_client):
    funded_portfolio()
    spec = finance_spec()
    spec.columns.append(LayoutColumn("annual:2023", "2023年", 10, "money"))
    layout = save_layout(users["planner"], None, "财政局资金情况表", spec)
    later = _later_plan()
    session.commit()
    page = role_client("planner").get(f"/layouts/{layout.id}?plan={later.id}").get_data(as_text=True)
    assert ">计划资金·中央预算内投资</option>" in page and ">分年度投资计划·2023年</option>" in page
    assert not re.search(r">(fund|annual):[^<]*</option>", page)


def test_a_preview_for_a_plan_without_periods_says_so(app, users, role_client):
    funded_portfolio()
    later = _later_plan()
    session.commit()
    form = finance_form(action="preview", preview_period="")
    page = role_client("planner").post(f"/layouts/new?plan={later.id}", data=form)
    assert "“十五五”还没有填报期间，无法预览" in page.get_data(as_text=True)
    assert session.scalar(select(func.count(SheetLayout.id))) == 0
