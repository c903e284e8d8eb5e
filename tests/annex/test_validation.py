"""Every kind of validation error in one run, each on its own row and column, and nothing written."""

from sqlalchemy import func, select

from portfolio.annex.models import ImportBatch
from portfolio.annex.services import import_annex
from portfolio.db import session
from portfolio.projects.models import Project, Unit
from tests.annex.helpers import plan
from tests.annex.workbooks import Layout, Row, annex_rows, build

FIRST_DATA_ROW = 5  # title, units line and the two header rows come first
COLUMN = {
    "seq": "A",
    "name": "B",
    "location": "C",
    "years": "F",
    "total": "G",
    "fyp": "H",
    "start": "N",
    "end": "O",
}


def _projects(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.kind == "project"]


def _excel_row(rows: list[Row], row: Row) -> int:
    return FIRST_DATA_ROW + rows.index(row)


def test_every_error_is_reported_at_its_cell_and_nothing_is_written(app):
    rows = annex_rows()
    p = _projects(rows)
    broken = {
        ("missing-value", "name"): (p[0], {"name": None}),
        ("bad-money", "total"): (p[1], {"total": "约五万"}),
        ("bad-money", "fyp"): (p[12], {"fyp": 1e300}),
        ("negative-money", "fyp"): (p[2], {"fyp": -5}),
        ("fyp-exceeds-total", "fyp"): (p[3], {"total": 1000, "fyp": 2000}),
        ("start-after-end", "years"): (p[4], {"years": "2025-2021"}),
        ("implausible-year", "years"): (p[5], {"years": "1850-1860"}),
        ("bad-year-range", "years"): (p[6], {"years": "明年开工"}),
        ("bad-month", "start"): (p[7], {"start": "2021年13月"}),
        ("start-after-end", "end"): (p[8], {"start": "2024年5月", "end": "2022年1月"}),
        ("duplicate-name", "name"): (p[11], {"name": p[10].values["name"]}),
    }
    for row, changes in broken.values():
        row.values.update(changes)
    unknown = Row("category", {"seq": "十一", "name": "太空探索重大工程（1项）", "annual": {}})
    rows.append(unknown)
    rows.append(Row("project", dict(p[20].values, seq=87, name="月球基地")))

    report = import_annex(None, build(Layout(), rows), "broken.xlsx", plan())
    session.commit()

    found = {(i.code, i.row, i.column) for i in report.errors}
    for (code, field), (row, _changes) in broken.items():
        assert (code, _excel_row(rows, row), COLUMN[field]) in found, code
    unknown_issue = next(i for i in report.errors if i.code == "unknown-category")
    assert unknown_issue.row == _excel_row(rows, unknown)
    for category in plan().categories:
        assert category.name in unknown_issue.message
    assert all(i.sheet == "重大工程项目" and i.header for i in report.errors if i.column)
    assert not report.ok
    assert report.counts["errors"] == len(report.errors) >= len(broken) + 1
    assert session.scalar(select(func.count(Project.id))) == 0
    assert session.scalar(select(func.count(ImportBatch.id))) == 0
    assert session.scalar(select(func.count(Unit.id))) == 0


def test_warnings_do_not_block_the_import(app):
    rows = annex_rows()
    p = _projects(rows)
    p[0].values["annual"][2021] = 1  # annual plans no longer add up
    p[1].values["location"] = "火星"
    p[2].values["units"] = None
    report = import_annex(None, build(Layout(), rows), "warn.xlsx", plan())
    codes = {(i.code, i.row) for i in report.warnings}
    assert ("annual-sum-mismatch", _excel_row(rows, p[0])) in codes
    assert ("unknown-location", _excel_row(rows, p[1])) in codes
    assert ("missing-value", _excel_row(rows, p[2])) in codes
    # The changed 2021 amount no longer matches the 合计 row's 2021 column either.
    assert ("total-mismatch", _excel_row(rows, rows[0])) in codes
    assert report.ok and report.counts["created"] == 86


def test_category_total_that_differs_from_its_projects_is_a_warning(app):
    rows = annex_rows()
    category = next(r for r in rows if r.kind == "category")
    category.values["total"] = 1
    report = import_annex(None, build(Layout(), rows), "totals.xlsx", plan(), dry_run=True)
    issue = next(i for i in report.warnings if i.code == "total-mismatch")
    assert (issue.row, issue.column) == (_excel_row(rows, category), "G")
    assert report.ok


def test_cli_exit_status_one_on_validation_errors(app, runner, tmp_path):
    rows = annex_rows()
    _projects(rows)[0].values["total"] = "很多"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(build(Layout(), rows))
    result = runner.invoke(args=["import-annex", str(path)])
    assert result.exit_code == 1
    assert "bad-money" in result.output and "未写入" in result.output
    assert session.scalar(select(func.count(Project.id))) == 0


def test_error_workbook_keeps_formula_like_text_as_text(app):
    import io

    import openpyxl

    from portfolio.annex.error_sheet import build_error_workbook
    from portfolio.annex.reader import read_workbook

    rows = annex_rows()
    target = _projects(rows)[0]
    target.values["total"] = '=HYPERLINK("http://example.com","点我")'
    source = openpyxl.load_workbook(io.BytesIO(build(Layout(), rows)))
    source.worksheets[0][f"G{_excel_row(rows, target)}"].data_type = "s"  # text, as an office typed it
    out = io.BytesIO()
    source.save(out)
    data = out.getvalue()
    report = import_annex(None, data, "formula.xlsx", plan(), dry_run=True)
    wb = openpyxl.load_workbook(io.BytesIO(build_error_workbook(report, read_workbook(data))))
    cell = wb["重大工程项目"][f"G{_excel_row(rows, target)}"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    listed = [r for r in wb["问题清单"].iter_rows(min_row=2, values_only=True) if r[1] == "bad-money"]
    assert listed and listed[0][6].startswith("=HYPERLINK")
