"""The built-in 调度表 layout reproduces the fixed exporter's sheets cell for cell: values, number formats,
fonts, fills, merges, widths, heights and page setup, for the whole city, one county, with funding columns,
under the project list's filters, in a county officer's scope, and as the per-county workbook."""

from datetime import date

import pytest

from portfolio.db import session
from portfolio.exports import services as fixed
from portfolio.funding.columns import FundingChoice
from portfolio.layouts import progress_sheets as layout
from portfolio.projects.models import LifecycleStatus
from portfolio.projects.queries import ProjectFilters
from tests.exports.data import portfolio
from tests.exports.sheets import open_xlsx
from tests.factories import location
from tests.funding.helpers import sources
from tests.layouts.data import funded_portfolio

TODAY = date(2025, 4, 8)


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


@pytest.fixture
def world(app, users):
    made = portfolio()
    session.commit()
    return made


def _same(old, new) -> None:
    assert new.filename == old.filename and new.fallback == old.fallback
    old_facts, new_facts = facts(old.content), facts(new.content)
    assert len(new_facts) == len(old_facts)
    for before, after in zip(old_facts, new_facts, strict=True):
        assert after == before
        assert len(after["cells"]) > 5


@pytest.mark.parametrize(
    "filters",
    [ProjectFilters(), ProjectFilters(status=LifecycleStatus.UNDER_CONSTRUCTION), ProjectFilters(q="温县")],
    ids=["all", "status", "search"],
)
def test_progress_sheet_equals_the_fixed_one(world, users, filters):
    for who in ("planner", "officer"):
        old = fixed.export_progress(users[who], world["q4"], filters, today=TODAY)
        _same(old, layout.export_progress(users[who], world["q4"], filters, today=TODAY))


def test_one_countys_sheet_equals_the_fixed_one(world, users):
    county = location("孟州市")
    old = fixed.export_progress(users["planner"], world["q4"], ProjectFilters(), county, TODAY)
    _same(old, layout.export_progress(users["planner"], world["q4"], ProjectFilters(), county, TODAY))


def test_county_workbook_equals_the_fixed_one(world, users):
    for who in ("planner", "other_officer"):
        old = fixed.export_county_sheets(users[who], world["q4"], ProjectFilters(), TODAY)
        _same(old, layout.export_county_sheets(users[who], world["q4"], ProjectFilters(), TODAY))


def test_sheet_with_funding_columns_equals_the_fixed_one(app, users):
    made = funded_portfolio()
    session.commit()
    src = sources()
    choice = FundingChoice(
        ("planned", "period", "cumulative"), (src["中央预算内投资"].id, src["地方政府专项债券"].id)
    )
    old = fixed.export_progress(users["planner"], made["q1"], ProjectFilters(), None, TODAY, choice)
    new = layout.export_progress(users["planner"], made["q1"], ProjectFilters(), None, TODAY, choice)
    _same(old, new)
    every = FundingChoice(("planned",), ())
    old = fixed.export_progress(users["planner"], made["q1"], ProjectFilters(), None, TODAY, every)
    _same(old, layout.export_progress(users["planner"], made["q1"], ProjectFilters(), None, TODAY, every))
