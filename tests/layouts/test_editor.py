"""The done-when path with the Flask client: a planner defines the finance bureau's sheet in the editor,
previews it, saves it, and downloads it for 2025Q1 from the export page; its figures agree with the
project pages."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portfolio.db import session
from portfolio.funding.queries import get_project_funding
from portfolio.layouts.builtin import supervision_spec
from portfolio.layouts.models import SheetLayout
from portfolio.layouts.progress_sheets import export_supervision
from portfolio.layouts.sheets import export_layout
from portfolio.projects.queries import ProjectFilters
from tests.exports.sheets import open_xlsx
from tests.funding.helpers import sources
from tests.layouts.data import BONDS, CENTRAL, funded_portfolio, supervised_portfolio
from tests.layouts.test_builtin import TODAY, facts


def finance_form(**changes) -> dict:
    src = sources()
    columns = [
        ("name", "", "text", ""),
        ("lead_unit", "", "text", ""),
        ("total_investment_wan", "", "money", ""),
        (f"fund:planned:{src[CENTRAL].id}", "中央预算内投资", "money", ""),
        (f"fund:planned:{src[BONDS].id}", "专项债", "money", ""),
        ("fund:year:all", "本年到位资金", "money", ""),
    ]
    data = {
        "name": "财政局资金情况表",
        "title": "焦作市“{规划}”重大项目资金情况表（{县区}，{期间}）",
        "grouping": "county",
        "sort": "seq",
        "paper": "A4",
        "orientation": "landscape",
        "heading": "y",
        "unit_note": "单位：万元",
        "action": "save",
    }
    for i, (key, header, style, group) in enumerate(columns):
        data |= {f"columns-{i}-position": str(i + 1), f"columns-{i}-key": key, f"columns-{i}-header": header}
        data |= {f"columns-{i}-width": "14", f"columns-{i}-style": style, f"columns-{i}-group": group}
    data |= {"columns-6-key": "", "columns-6-width": "12"}  # a blank row the page offered
    return data | changes


@pytest.fixture
def world(app, users):
    made = funded_portfolio()
    session.commit()
    return made


def test_planner_defines_previews_saves_and_downloads_the_finance_sheet(world, role_client):
    planner = role_client("planner")
    page = planner.get("/layouts/new")
    assert page.status_code == 200 and "新建报表版式" in page.get_data(as_text=True)
    preview = planner.post(
        "/layouts/new", data=finance_form(action="preview", preview_period=str(world["q1"].id))
    )
    text = preview.get_data(as_text=True)
    assert "预览：焦作市“十四五”重大项目资金情况表（2025年第1季度）" in text
    assert '<td class="">温县小计（2个）</td>' in text and '<td class="num">1,200.50</td>' in text
    assert session.scalar(select(SheetLayout)) is None  # a preview saves nothing
    saved = planner.post("/layouts/new", data=finance_form(), follow_redirects=True)
    assert "已保存报表版式“财政局资金情况表”（第 1 版）" in saved.get_data(as_text=True)
    layout = session.scalar(select(SheetLayout))
    assert [c["header"] for c in layout.spec["columns"]] == [
        "项目名称",
        "牵头单位",
        "总投资",
        "中央预算内投资",
        "专项债",
        "本年到位资金",
    ]
    export_page = planner.get(f"/exports?period={world['q1'].id}").get_data(as_text=True)
    assert f"/layouts/{layout.id}/sheet.xlsx" in export_page and "财政局资金情况表" in export_page
    response = planner.get(f"/layouts/{layout.id}/sheet.xlsx?period={world['q1'].id}")
    assert response.status_code == 200
    assert "filename*=UTF-8''%E8%B4%A2" in response.headers["Content-Disposition"]
    ws = open_xlsx(response.data).worksheets[0]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    for project in (world["a"], world["b"], world["c"]):
        _agrees_with_project_page(planner, project, rows[project.name])


def _agrees_with_project_page(client, project, row) -> None:
    """Total investment, planned 中央预算内/专项债 and this year's funds received, as on the project page."""
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    funding = get_project_funding(project, date(2025, 3, 31))
    src = sources()
    planned = [funding.planned.get(src[n].id) for n in (CENTRAL, BONDS)]
    year = sum((r.year_wan for r in funding.received.values()), 0) or None
    assert [row[2], row[3], row[4], row[5]] == [
        float(project.total_investment_wan),
        *[float(p) if p is not None else None for p in planned],
        float(year) if year is not None else None,
    ]
    for name in (CENTRAL, BONDS):
        amount = funding.planned.get(src[name].id)
        if amount is not None:
            shown = re.search(rf"<td>{name}</td><td class=\"num\">([^<]*)</td>", html)
            assert shown and float(shown.group(1).replace(",", "")) == float(amount)


def test_bad_layouts_are_refused_on_the_page_and_nothing_is_saved(world, role_client):
    planner = role_client("planner")
    bad = finance_form(**{"columns-1-header": "项目名称", "columns-1-key": "no_such_field"})
    text = planner.post("/layouts/new", data=bad).get_data(as_text=True)
    assert "第 2 列：未知的字段“no_such_field”，请从列表中选择。" in text
    assert "第 2 列的表头“项目名称”与第 1 列重复。" in text
    empty = {k: v for k, v in finance_form().items() if not k.startswith("columns-")}
    assert "版式至少要有一列。" in planner.post("/layouts/new", data=empty).get_data(as_text=True)
    assert session.scalar(select(SheetLayout)) is None


def test_editing_renames_reorders_and_keeps_versions(world, role_client):
    planner = role_client("planner")
    planner.post("/layouts/new", data=finance_form())
    layout = session.scalar(select(SheetLayout))
    moved = finance_form(**{"columns-0-position": "9", "columns-1-header": "牵头部门", "version": "1"})
    moved |= {"columns-5-remove": "y"}
    planner.post(f"/layouts/{layout.id}", data=moved)
    session.refresh(layout)
    assert layout.version == 2
    assert [c["header"] for c in layout.spec["columns"]] == [
        "牵头部门",
        "总投资",
        "中央预算内投资",
        "专项债",
        "项目名称",
    ]
    audit = planner.get("/audit").get_data(as_text=True)
    assert "修改报表版式“财政局资金情况表”（第 2 版）" in audit


def test_officer_downloads_only_their_county_and_cannot_edit(world, role_client):
    role_client("planner").post("/layouts/new", data=finance_form())
    layout = session.scalar(select(SheetLayout))
    officer = role_client("other_officer")  # 孟州市
    assert officer.get("/layouts/new").status_code == 403
    ws = open_xlsx(officer.get(f"/layouts/{layout.id}/sheet.xlsx?period={world['q1'].id}").data).worksheets[0]
    names = {r[0] for r in ws.iter_rows(values_only=True)}
    assert "孟州市VOCs治理" in names and "温县光伏发电项目" not in names
    zipped = officer.get(f"/layouts/all.zip?period={world['q1'].id}&county=孟州市")
    assert zipped.status_code == 200 and zipped.data[:2] == b"PK"


def test_layout_json_downloads_and_imports_on_the_list_page(world, role_client):
    from io import BytesIO

    planner = role_client("planner")
    planner.post("/layouts/new", data=finance_form())
    layout = session.scalar(select(SheetLayout))
    listed = planner.get("/layouts").get_data(as_text=True)
    assert "财政局资金情况表" in listed and "第 1 版" in listed
    data = planner.get(f"/layouts/{layout.id}/layout.json").data
    assert "fund:planned:@地方政府专项债券" in data.decode()
    upload = {"file": (BytesIO(data), "layout.json"), "name": "财政局资金情况表（孟州）"}
    done = planner.post("/layouts/import", data=upload, follow_redirects=True).get_data(as_text=True)
    assert "已导入报表版式“财政局资金情况表（孟州）”" in done
    again = {"file": (BytesIO(data), "layout.json")}
    refused = planner.post("/layouts/import", data=again, follow_redirects=True).get_data(as_text=True)
    assert "已有名为“财政局资金情况表”的版式，请换一个名称。" in refused
    garbage = {"file": (BytesIO(b"\xff\xfe"), "x.json")}
    text = planner.post("/layouts/import", data=garbage, follow_redirects=True).get_data(as_text=True)
    assert "无法读取版式文件" in text
    assert len(session.scalars(select(SheetLayout)).all()) == 2


def test_the_builtin_progress_sheet_is_listed_and_copied_into_a_new_layout(world, role_client):
    planner = role_client("planner")
    assert "复制为新版式" in planner.get("/layouts").get_data(as_text=True)
    page = planner.get("/layouts/new?from=builtin").get_data(as_text=True)
    assert 'value="推进情况表（副本）"' in page and 'value="年度计划完成率（%）"' in page
    assert 'value="“{规划}”投资"' in page


class _Form(HTMLParser):
    """What a browser posts back from the layout editor as the page shows it (the 预览 button left out)."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((a["name"], a.get("value") or ("y" if a.get("type") == "checkbox" else "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def test_the_builtin_supervision_list_copied_and_saved_unchanged_writes_the_same_sheet(
    app, users, role_client
):
    made = supervised_portfolio(users)
    session.commit()
    planner = role_client("planner")
    assert '<small class="muted">（内置：督办清单）</small>' in planner.get("/layouts").get_data(as_text=True)
    parser = _Form()
    parser.feed(planner.get("/layouts/new?from=supervision").get_data(as_text=True))
    posted = MultiDict([*parser.data, ("action", "save")])
    assert planner.post("/layouts/new", data=posted).status_code == 302
    saved = session.scalars(select(SheetLayout).where(SheetLayout.name == "督办清单（副本）")).one()
    assert saved.spec == supervision_spec().as_dict()
    copy = facts(export_layout(users["planner"], saved, made["q4"], None, TODAY).content)
    builtin = facts(export_supervision(users["planner"], made["q4"], ProjectFilters(), TODAY).content)
    assert copy == builtin and len(copy[0]["cells"]) > 8


def test_an_unknown_note_definition_is_refused(world, role_client):
    response = role_client("planner").post("/layouts/new", data=finance_form(note_keys="bogus"))
    assert "未知的口径说明“bogus”。" in response.get_data(as_text=True)
    assert session.scalars(select(SheetLayout)).all() == []
