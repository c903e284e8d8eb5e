"""The 进度历史表 (.xlsx): the grid page's rows and cells, every page of them, in the house style."""

from decimal import Decimal
from urllib.parse import unquote

import pytest

from portfolio.db import session
from portfolio.exports.sheet_layout import LEVEL_FILLS
from portfolio.reporting.warnings import Level
from tests.exports.data import portfolio
from tests.exports.sheets import calamine_rows, open_xlsx
from tests.projects.test_history_grid import page_of

BODY_START = 4  # title, unit line, two header rows
FIXED = 5  # 序号, 项目名称, 建设地点, 牵头单位, 项目状态


@pytest.fixture
def data(app, users):
    made = portfolio()
    session.commit()
    return made


def sheet_rows(content: bytes) -> dict[str, list]:
    """project name → its row (values as calamine reads them)."""
    rows = calamine_rows(content, "进度历史表")
    table = {}
    for row in rows[BODY_START:]:
        if not isinstance(row[0], int | float) or row[0] == "":
            break
        table[row[1]] = row
    return table


def test_the_sheet_holds_every_row_of_every_page_with_the_page_s_cells(role_client, data, app):
    app.config["PAGE_SIZE"] = 2
    client = role_client("planner")
    response = client.get("/exports/history.xlsx")
    assert response.status_code == 200
    assert "进度历史表" in unquote(response.headers["Content-Disposition"])
    rows = sheet_rows(response.data)
    pages = {}
    for n in (1, 2, 3):
        pages.update(page_of(client, f"?page={n}"))
    assert set(rows) == set(pages) and len(rows) == 5
    header = calamine_rows(response.data, "进度历史表")[2]
    assert header[FIXED] == "2023年第3季度" and header[FIXED + 4] == "2023年第4季度"
    for name, cells in pages.items():
        for i, (level, _state, text) in enumerate(cells.values()):
            got = rows[name][FIXED + 4 * i : FIXED + 4 * i + 4]
            assert got[0] == Level(level).label
            assert text.startswith(f"{got[0]}报告{got[1]}")
            percent = "—" if got[2] == "" else f"{Decimal(str(got[2])):.2f}%"
            assert f"完成{percent}" in text
            invested = "未报送" if got[3] == "未报送" else f"{Decimal(str(got[3])):,.2f}万元"
            assert text.endswith(f"本期{invested}")


def test_house_style_colours_and_print_setup(role_client, data):
    content = role_client("planner").get("/exports/history.xlsx").data
    ws = open_xlsx(content)["进度历史表"]
    assert ws["A1"].value.startswith(
        "焦作市“十四五”生态环境保护重大工程项目进度历史表（2023年第3季度—2023年第4季度）"
    )
    assert ws.page_setup.paperSize == 8 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$4"
    fills = {}
    for row in ws.iter_rows(min_row=BODY_START + 1):
        if isinstance(row[0].value, int):
            fills[row[1].value] = (row[FIXED + 4].value, row[FIXED + 4].fill.fgColor.rgb)
    assert fills[data["b"].name] == ("红色预警", "FF" + LEVEL_FILLS["red"][1:])
    assert fills[data["c"].name] == ("黄色预警", "FF" + LEVEL_FILLS["yellow"][1:])
    assert fills[data["a"].name] == ("正常", "FF" + LEVEL_FILLS["green"][1:])
    notes = [
        str(r[0]) for r in calamine_rows(content, "进度历史表") if str(r[0]).startswith(("共 ", "口径说明"))
    ]
    assert notes[0].startswith("共 5 个项目。") and notes[1] == "口径说明："


def test_the_sheet_follows_the_filters_and_the_user_s_scope(role_client, data):
    red = role_client("planner").get("/exports/history.xlsx?level=red").data
    assert set(sheet_rows(red)) == {data["b"].name}
    mengzhou = data["c"].locations[0]
    by_county = role_client("planner").get(f"/exports/history.xlsx?county={mengzhou.id}").data
    assert set(sheet_rows(by_county)) == {data[k].name for k in "cde"}
    officer = role_client("officer").get("/exports/history.xlsx").data
    assert set(sheet_rows(officer)) == {data[k].name for k in "abe"}
