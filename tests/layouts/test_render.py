"""The renderer: a layout, a period and a scope become a sheet with the expected headers, groups, totals."""

from datetime import date

import pytest

from portfolio.db import session
from portfolio.definitions import notes_for
from portfolio.layouts.catalogue import FUND_MEASURES, Choice, catalogue, shown_definitions
from portfolio.layouts.services import save_layout
from portfolio.layouts.sheets import export_layout
from portfolio.layouts.spec import LayoutColumn
from tests.exports.sheets import notes, open_xlsx
from tests.layouts.data import finance_spec, funded_portfolio

TODAY = date(2025, 4, 8)


def _rows(content: bytes) -> list[list]:
    ws = open_xlsx(content).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def world(app, users):
    made = funded_portfolio()
    layout = save_layout(users["planner"], None, "财政局资金情况表", finance_spec())
    session.commit()
    return made | {"layout": layout}


def test_finance_sheet_groups_by_county_with_subtotals_and_a_total(world, users):
    file = export_layout(users["planner"], world["layout"], world["q1"], today=TODAY)
    rows = _rows(file.content)
    assert rows[0][0] == "焦作市“十四五”重大项目资金情况表（2025年第1季度）"
    assert rows[1][0] == "填报单位：焦作市生态环境局" and rows[1][3] == "日期：2025年4月8日　　单位：万元"
    assert rows[2] == ["项目名称", "牵头单位", "总投资", "资金来源", None, "本年到位资金"]
    assert rows[3][3:5] == ["中央预算内投资", "专项债"]
    body = rows[4:9]
    assert body[0] == ["合计（3个项目）", None, 4700.5, 1100, 1700.5, 145.5]
    assert body[1] == ["温县小计（2个）", None, 3700.5, 1100, 1200.5, 75.5]
    assert body[2] == ["温县污水处理厂提标改造", "温县住建局", 2500.5, 800, 1200.5, 75.5]
    assert body[3] == ["温县光伏发电项目", "温县发改委", 1200, 300, None, None]
    assert body[4] == ["孟州市小计（1个）", None, 1000, None, 500, 70]  # blank in every row: blank, not 0
    assert rows[9] == ["孟州市VOCs治理", "孟州市生态环境分局", 1000, None, 500, 70]
    assert rows[11][0] == "审核人：" and rows[11][3] == "填报人："


def test_page_is_a4_landscape_with_merged_group_header_and_formats(world, users):
    ws = open_xlsx(
        export_layout(users["planner"], world["layout"], world["q1"], today=TODAY).content
    ).worksheets[0]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:F1", "D3:E3", "A3:A4", "F3:F4"} <= merged
    assert ws["C5"].number_format == "#,##0.00" and ws["C5"].font.b


def test_county_scope_and_filters(world, users):
    officer_file = export_layout(users["other_officer"], world["layout"], world["q1"], today=TODAY)
    names = [r[0] for r in _rows(officer_file.content)]
    assert "孟州市VOCs治理" in names and "温县光伏发电项目" not in names
    layout = world["layout"]
    spec = dict(layout.spec, filters={"status": [], "warning": [], "category": [], "county": ["温县"]})
    layout.spec = spec
    names = [r[0] for r in _rows(export_layout(users["planner"], layout, world["q1"], today=TODAY).content)]
    assert "孟州市VOCs治理" not in names and "温县光伏发电项目" in names


def test_formula_like_text_is_written_as_quoted_text(world, users):
    world["b"].name = '=HYPERLINK("http://x","点我")'
    session.commit()
    ws = open_xlsx(
        export_layout(users["planner"], world["layout"], world["q1"], today=TODAY).content
    ).worksheets[0]
    cell = next(c for row in ws.iter_rows() for c in row if str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s" and cell.quotePrefix


def test_lead_unit_grouping_sort_and_filters(world, users):
    from portfolio.layouts.spec import LayoutColumn, LayoutFilters, LayoutSpec

    spec = LayoutSpec(
        title="{规划}项目表（{县区}，{期间}）",
        columns=[
            LayoutColumn("seq", "序号", 6, "center"),
            LayoutColumn("name", "项目名称", 30),
            LayoutColumn("nature", "建设性质", 8, "center"),
            LayoutColumn("total_investment_wan", "总投资", 12, "money0"),
            LayoutColumn("annual:2021", "2021年", 10, "money", "分年度投资计划"),
            LayoutColumn("annual:2022", "2022年", 10, "money", "分年度投资计划"),
            LayoutColumn("warning", "预警", 10, "center"),
        ],
        grouping="lead_unit",
        sort="total_desc",
        heading=False,
        filters=LayoutFilters(status=["under_construction"], county=["温县"]),
    )
    layout = world["layout"]
    layout.spec = spec.as_dict()
    ws = open_xlsx(export_layout(users["planner"], layout, world["q1"], today=TODAY).content).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "十四五项目表（2025年第1季度）"
    assert rows[1][4:6] == ["分年度投资计划", None] and rows[2][4:6] == ["2021年", "2022年"]
    assert "E2:F2" in {str(r) for r in ws.merged_cells.ranges}
    body = [r[:5] for r in rows[3:]]
    assert body[0] == [None, "合计（2个项目）", None, 3700.5, 200]
    assert [r[1] for r in body[1:]] == [
        "温县住建局小计（1个）",
        "温县污水处理厂提标改造",
        "温县发改委小计（1个）",
        "温县光伏发电项目",
    ]
    assert [r[0] for r in body[1:]] == ["一", 1, "二", 2]
    assert body[2][2] == "新建" and ws["D5"].number_format == "#,##0"
    layout.spec = dict(layout.spec, filters={"warning": ["red"]}, grouping="none")
    rows = [
        list(r)
        for r in open_xlsx(export_layout(users["planner"], layout, world["q1"], today=TODAY).content)
        .worksheets[0]
        .iter_rows(values_only=True)
    ]
    assert all(r[6] in (None, "红色预警") for r in rows[3:])


def test_notes_explain_every_figure_shown_whatever_was_ticked(world, users):
    """A planner's layout that ticks one 口径说明 still gets the definition of every figure it shows."""
    spec = finance_spec()
    figures = [c for c in catalogue([], []).values() if c.definition] + [
        Choice(f"fund:{m}:all", m, "money") for m in FUND_MEASURES
    ]
    spec.columns += [LayoutColumn(c.key, c.label, 12, c.style) for c in figures]
    spec.notes, spec.note_keys, spec.signature = True, ["counted_reports"], False
    layout = save_layout(users["planner"], None, "全部口径", spec)
    session.commit()
    lines = notes(_rows(export_layout(users["planner"], layout, world["q1"], today=TODAY).content))
    wanted = ["counted_reports", *shown_definitions(c.key for c in spec.columns)]
    assert {"warning_level", "year_invested", "planned_funding", "funds_received"} <= set(wanted)
    assert lines[lines.index("口径说明：") + 1 :] == [f"{d.name}：{d.rule}" for d in notes_for(*wanted)]
