"""What a layout's sheet reads: only what its columns, filters, sort and notes need, and the same cells
whichever way the rows were gathered."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from portfolio.db import session
from portfolio.layouts import sheets
from portfolio.layouts.rows import funding_values
from portfolio.layouts.services import save_layout
from portfolio.layouts.sheets import export_layout
from portfolio.layouts.spec import LayoutColumn, LayoutSpec
from portfolio.projects.models import Location, ProjectLocation
from tests.exports.sheets import open_xlsx
from tests.layouts.data import BONDS, CENTRAL, finance_spec, funded_portfolio

TODAY = date(2025, 4, 8)


@pytest.fixture
def world(app, users):
    made = funded_portfolio()
    layout = save_layout(users["planner"], None, "财政局资金情况表", finance_spec())
    session.commit()
    return made | {"layout": layout}


def _rows(content: bytes) -> list[list]:
    return [list(r) for r in open_xlsx(content).worksheets[0].iter_rows(values_only=True)]


def _export(users, world, spec: LayoutSpec) -> list[list]:
    layout = world["layout"]
    layout.spec = spec.as_dict()
    return _rows(export_layout(users["planner"], layout, world["q1"], today=TODAY).content)


def _counting(monkeypatch) -> list[str]:
    """Record each read of the progress read model and of the period's report states."""
    calls: list[str] = []
    progress_for, statuses = sheets.progress_for, sheets.list_report_statuses
    monkeypatch.setattr(sheets, "progress_for", lambda *a: calls.append("progress") or progress_for(*a))
    monkeypatch.setattr(sheets, "list_report_statuses", lambda *a: calls.append("statuses") or statuses(*a))
    return calls


def test_fields_and_funding_sheet_reads_no_progress_and_matches_the_full_rows(world, users, monkeypatch):
    calls = _counting(monkeypatch)
    spec = finance_spec()
    lean = _export(users, world, spec)
    assert calls == []
    assert lean[4] == ["合计（3个项目）", None, 4700.5, 1100, 1700.5, 145.5]
    # The same columns beside a progress column: the rows are gathered with the read model, same cells.
    warned = replace(spec, columns=[*spec.columns, LayoutColumn("warning", "预警", 10, "center")])
    full = _export(users, world, warned)
    assert calls == ["progress", "statuses"]
    assert [r[:6] for r in full[4:10]] == [r[:6] for r in lean[4:10]]
    assert all(isinstance(r[6], str) and r[6] for r in (full[6], full[7], full[9]))  # project rows


@pytest.mark.parametrize(
    "change",
    [
        {"sort": "warning"},
        {"sort": "rate_asc"},
        {"grouping": "category"},
        {"notes": True},
    ],
)
def test_a_sort_grouping_or_note_that_reads_progress_still_reads_it(world, users, monkeypatch, change):
    calls = _counting(monkeypatch)
    _export(users, world, replace(finance_spec(), **change))
    assert "progress" in calls


def test_a_project_in_two_counties_takes_a_number_in_each(world, users):
    mengzhou = session.scalar(select(Location).where(Location.name == "孟州市"))
    session.add(ProjectLocation(project_id=world["a"].id, location_id=mengzhou.id))
    session.commit()
    spec = finance_spec()
    spec = replace(spec, columns=[LayoutColumn("seq", "序号", 6, "center"), *spec.columns])
    rows = _export(users, world, spec)
    body = [(r[0], r[1]) for r in rows[4:10]]
    assert body == [
        (None, "合计（3个项目）"),
        ("一", "温县小计（2个）"),
        (1, "温县污水处理厂提标改造"),
        (2, "温县光伏发电项目"),
        ("二", "孟州市小计（2个）"),
        (3, "温县污水处理厂提标改造"),
    ]
    assert (rows[10][0], rows[10][1]) == (4, "孟州市VOCs治理")


def test_funding_values_hold_only_the_columns_shown(world):
    src, a, c = world["src"], world["a"], world["c"]
    central = f"fund:planned:{src[CENTRAL].id}"
    found = funding_values([a.id, c.id], world["q1"], [central, "fund:year:all"])
    assert found[a.id] == {central: 800, "fund:year:all": 75.5}
    assert found[c.id] == {"fund:year:all": 70}
    every = funding_values([a.id], world["q1"], ["fund:planned:all", f"fund:cumulative:{src[BONDS].id}"])
    assert every[a.id]["fund:planned:all"] == 2000.5
    assert every[a.id][f"fund:cumulative:{src[BONDS].id}"] == 25.5
    assert f"fund:cumulative:{src[CENTRAL].id}" not in every[a.id]
