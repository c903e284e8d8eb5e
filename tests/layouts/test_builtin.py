"""The built-in 调度表 and 督办清单 layouts reproduce the fixed exporters' sheets cell for cell: values,
number formats, fonts, fills, merges, widths, heights and page setup, for the whole city, one county, with
funding columns, under the project list's filters, in a county officer's scope, and as the per-county
workbook.

fixed_sheets.json.gz holds what the fixed exporter (exports.services.export_progress and
export_county_sheets, before the routes moved to the layout) wrote for these same cases; the cases here
build the same data, so each sheet the layout writes now must read back identical to it. Re-recorded once
on purpose since: the 口径说明 gained 年度累计完成投资 and 预警颜色 (the definitions of two columns the
调度表 shows, each after the note before it in column order) and, with funding columns, 计划资金 and
累计到位资金 (last); the notes' merges and row heights moved with them, every other cell is as the fixed
exporter wrote it.
supervision_sheets.json.gz holds what the fixed 督办清单 exporter (exports.supervision, deleted when its
route moved to the layout) wrote for the whole city, one county (the project list's filter), two county
officers' scopes and an earlier period, over the same portfolio with answered, open and closed items;
re-recorded once on purpose since: its 口径说明 gained 预警颜色 (after 计入统计的报告) and 督办逾期 (last),
the definitions of its 预警等级 and 办理状态 columns; every other cell is as the fixed exporter wrote it.
"""

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from portfolio.db import session
from portfolio.definitions import find_definition
from portfolio.funding.columns import FundingChoice
from portfolio.layouts.builtin import BUILTINS
from portfolio.layouts.catalogue import shown_definitions
from portfolio.layouts.progress_sheets import export_county_sheets, export_progress, export_supervision
from portfolio.projects.models import LifecycleStatus
from portfolio.projects.queries import ProjectFilters
from tests.exports.data import portfolio
from tests.exports.sheets import open_xlsx
from tests.factories import location
from tests.funding.helpers import sources
from tests.layouts.data import funded_portfolio, supervised_portfolio

TODAY = date(2025, 4, 8)


def _recorded(name: str) -> dict:
    return json.loads(gzip.open(Path(__file__).with_name(name), "rt", encoding="utf-8").read())


FIXED = _recorded("fixed_sheets.json.gz") | _recorded("supervision_sheets.json.gz")
FILTERS = {
    "all": ProjectFilters(),
    "status": ProjectFilters(status=LifecycleStatus.UNDER_CONSTRUCTION),
    "search": ProjectFilters(q="温县"),
}


def _cell(c) -> tuple:
    return (
        c.value,
        c.number_format,
        c.font.b,
        c.font.name,
        c.fill.fgColor.rgb,
        c.alignment.horizontal,
        c.alignment.wrap_text,
        c.quotePrefix,
        c.border.left.style,
    )


def facts(content: bytes) -> list[dict]:
    """Everything a reader sees of each worksheet."""
    found = []
    for ws in open_xlsx(content).worksheets:
        found.append(
            {
                "title": ws.title,
                "cells": [[_cell(c) for c in row] for row in ws.iter_rows()],
                "merged": sorted(str(r) for r in ws.merged_cells.ranges),
                "widths": {k: d.width for k, d in ws.column_dimensions.items()},
                "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
                "page": (ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_setup.fitToWidth),
                "titles": str(ws.print_title_rows),
                "freeze": ws.freeze_panes,
                "footer": ws.oddFooter.center.text,
            }
        )
    return found


def _same(case: str, file) -> None:
    """The file reads back exactly as the fixed exporter's did (compared through JSON, as recorded)."""
    expected = FIXED[case]
    assert (file.filename, file.fallback) == (expected["filename"], expected["fallback"])
    sheets = json.loads(json.dumps(facts(file.content), ensure_ascii=False, default=str))
    assert len(sheets) == len(expected["sheets"])
    for got, want in zip(sheets, expected["sheets"], strict=True):
        for key in want:
            assert got[key] == want[key], f"{case} {got['title']}: {key} differs"
        assert len(got["cells"]) > 5


@pytest.fixture
def world(app, users):
    made = portfolio()
    session.commit()
    return made


@pytest.mark.parametrize("name", FILTERS)
def test_progress_sheet_equals_the_fixed_one(world, users, name):
    for who in ("planner", "officer"):
        _same(f"progress-{name}-{who}", export_progress(users[who], world["q4"], FILTERS[name], today=TODAY))


def test_one_countys_sheet_equals_the_fixed_one(world, users):
    file = export_progress(users["planner"], world["q4"], ProjectFilters(), location("孟州市"), TODAY)
    _same("progress-mengzhou", file)


def test_county_workbook_equals_the_fixed_one(world, users):
    for who in ("planner", "other_officer"):
        _same(f"counties-{who}", export_county_sheets(users[who], world["q4"], ProjectFilters(), TODAY))


def test_sheet_with_funding_columns_equals_the_fixed_one(app, users):
    made = funded_portfolio()
    session.commit()
    src = sources()
    chosen = FundingChoice(
        ("planned", "period", "cumulative"), (src["中央预算内投资"].id, src["地方政府专项债券"].id)
    )
    every = FundingChoice(("planned",), ())
    for case, choice in (("funding-chosen", chosen), ("funding-every", every)):
        _same(case, export_progress(users["planner"], made["q1"], ProjectFilters(), None, TODAY, choice))


def test_supervision_list_equals_the_fixed_one(app, users):
    made = supervised_portfolio(users)
    session.commit()
    mengzhou = ProjectFilters(county_id=location("孟州市").id)
    cases = {
        "supervision-all-planner": ("planner", made["q4"], ProjectFilters()),
        "supervision-mengzhou-planner": ("planner", made["q4"], mengzhou),
        "supervision-all-officer": ("officer", made["q4"], ProjectFilters()),
        "supervision-all-other_officer": ("other_officer", made["q4"], ProjectFilters()),
        "supervision-q3-planner": ("planner", made["q3"], ProjectFilters()),
    }
    for case, (who, period, filters) in cases.items():
        _same(case, export_supervision(users[who], period, filters, TODAY))


@pytest.mark.parametrize("key", BUILTINS)
def test_a_builtin_layouts_own_notes_explain_every_figure_it_shows(key):
    """Every built-in layout lists its 口径说明 and names the definition of each column's figure in it."""
    spec = BUILTINS[key].spec()
    assert spec.notes and spec.note_keys
    assert set(shown_definitions(c.key for c in spec.columns)) - set(spec.note_keys) == set()


def test_the_supervision_list_explains_overdue_items(app, users):
    made = supervised_portfolio(users)
    session.commit()
    content = export_supervision(users["planner"], made["q4"], ProjectFilters(), TODAY).content
    notes = [str(c.value) for row in open_xlsx(content).worksheets[0].iter_rows() for c in row if c.value]
    overdue = find_definition("supervision_overdue")
    assert f"{overdue.name}：{overdue.rule}" in notes
