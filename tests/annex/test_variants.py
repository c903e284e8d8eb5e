"""The same annex in the shapes offices send: each variant must give the shipped annex's 86 records."""

import pytest

from portfolio.annex.services import import_annex
from portfolio.db import session
from tests.annex.helpers import annex_bytes, plan
from tests.annex.workbooks import ANNEX_HEADERS, FIELDS, Layout, build


def records(data: bytes, name: str = "variant.xlsx"):
    report = import_annex(None, data, name, plan(), dry_run=True)
    assert report.ok, [(i.row, i.column, i.message) for i in report.errors]
    return report, [(p.category, p.comparable()) for p in report.projects]


RENAMED = dict(
    ANNEX_HEADERS,
    seq="编号",
    name="工程名称",
    content="建设内容",
    years="建设年限",
    fyp="十四五期间投资",
    start="开工时间",
    end="计划建成",
)
SHUFFLED = (
    "name",
    "seq",
    "units",
    "total",
    "annual",
    "fyp",
    "location",
    "years",
    "start",
    "end",
    "content",
    "nature",
    "note",
)

VARIANTS = {
    "other-names-and-order": Layout(headers=RENAMED, order=SHUFFLED),
    "separate-year-columns": Layout(annual_header=None, annual_label="{year}年计划投资"),
    "yi-yuan-units-line": Layout(scale="亿元"),
    "yi-yuan-in-header": Layout(scale="亿元", unit_in_header=True),
    "sheet-per-category": Layout(
        per_category_sheets=True,
        extra_sheets=True,
        category_aliases={
            "结构调整重大工程": "绿色发展重大工程",
            "生态保护修复重大工程": "生态环境保护与修复重大工程",
        },
    ),
    "merged-unit-cells": Layout(merge_units=True),
    "text-numbers": Layout(text_numbers=True),
    "plan-numbering-and-plan-names": Layout(
        plan_numbering=True,
        category_aliases={"农业农村环境治理重大工程": "农业农村污水治理重大工程"},
    ),
    "date-cells-and-year-styles": Layout(date_cells=True, year_style="{a}年-{b}年"),
    "tilde-years-text-yi-yuan": Layout(year_style="{a}～{b}", text_numbers=True, scale="亿元"),
}


@pytest.fixture
def baseline(app):
    return records(annex_bytes(), "annex.xlsx")[1]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variant_gives_the_same_86_records(app, baseline, variant):
    report, found = records(build(VARIANTS[variant]))
    assert len(found) == 86
    assert found == baseline
    assert report.counts["created"] == 86


def test_merged_cells_really_are_merged_in_the_variant(app):
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(build(VARIANTS["merged-unit-cells"])))
    vertical = [r for r in wb.worksheets[0].merged_cells.ranges if r.max_row > r.min_row and r.min_row > 4]
    assert len(vertical) >= 5


def test_unknown_columns_warn_and_do_not_stop_the_import(app, baseline):
    layout = Layout(headers=dict(ANNEX_HEADERS, note="联系人"), order=FIELDS)
    report, found = records(build(layout))
    codes = {(i.code, i.column) for i in report.warnings}
    assert ("unknown-column", "Q") in codes
    assert [f for _c, f in found] == [dict(f, note=None) for _c, f in baseline]


def test_hidden_sheets_are_ignored(app, baseline):
    _report, found = records(build(Layout(hidden_copy=True)))
    assert found == baseline


def test_year_columns_follow_the_plan_span(app, runner, tmp_path):
    """A second plan with another span: its annex's year columns and ranges are read against its years."""
    from portfolio.projects.seed_data import PLAN_14
    from portfolio.projects.services import load_plan

    later = load_plan(
        dict(PLAN_14, name="某市“十五五”规划", short_name="十五五", start_year=2026, end_year=2030)
    )
    session.commit()
    headers = dict(ANNEX_HEADERS, fyp="“十五五”投资")
    data = build(Layout(headers=headers, year_shift=5))
    report = import_annex(None, data, "later.xlsx", later, dry_run=True)
    assert report.ok, [i.message for i in report.errors]
    assert report.counts["created"] == 86
    first = report.to_dict()["projects"][0]
    assert list(first["annual_plan_wan"]) == ["2026", "2027", "2028", "2029", "2030"]
    assert first["annual_plan_wan"]["2026"] == 14104 and first["start_year"] == 2026
    # With two plans the CLI needs --plan.
    path = tmp_path / "later.xlsx"
    path.write_bytes(data)
    assert runner.invoke(args=["import-annex", str(path)]).exit_code == 2
    assert runner.invoke(args=["import-annex", str(path), "--plan", "十五五", "--dry-run"]).exit_code == 0


def test_a_project_whose_name_looks_like_a_footnote_is_still_a_project(app):
    from tests.annex.workbooks import annex_rows

    rows = annex_rows()
    project = next(r for r in rows if r.kind == "project")
    project.values["name"] = "注塑产业园区配套污水管网及雨污分流提标改造工程建设项目"
    _report, found = records(build(Layout(), rows))
    assert len(found) == 86
    assert found[0][1]["name"] == project.values["name"]
