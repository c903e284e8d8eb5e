"""Benchmark: export the progress sheet (调度表) and the per-county workbook for 10,000 projects; compare
each whole export (database reads included) with bare XlsxWriter writing the same cells with the same
formats and no layout code.

Run:  .venv/bin/python benchmarks/bench_export.py [N]
      DATABASE_URL=postgresql+psycopg://… .venv/bin/python benchmarks/bench_export.py   (tables are rebuilt)
For each export prints bare time, whole-export time, their ratio, bare peak memory, whole peak memory and
their ratio (benchmarks.against_bare: best of five, taken in turn).
"""

import sys
import time
from contextlib import contextmanager
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import xlsxwriter
from sqlalchemy import insert, select

from benchmarks.against_bare import compare
from benchmarks.bench_pages import _database_url
from portfolio import create_app
from portfolio.db import session
from portfolio.exports.services import Operator
from portfolio.exports.sheet_layout import LEVEL_FILLS, ROW_TINTS, STYLES
from portfolio.layouts.builtin import progress_spec
from portfolio.layouts.progress_sheets import by_county, export_county_sheets, export_progress
from portfolio.layouts.sheets import layout_columns, load_projects, prepare
from portfolio.projects.models import Project
from portfolio.projects.queries import ProjectFilters
from portfolio.reporting.models import ReportStatus, StatusReport
from portfolio.reporting.progress_model import refresh_progress
from tests.factories import bulk_projects, make_period, seed_reference


def seed(n: int):
    plan = seed_reference()
    bulk_projects(n, plan)
    period = make_period(plan, f"{plan.start_year + 2}Q4")
    ids = session.scalars(select(Project.id)).all()
    session.execute(
        insert(StatusReport),
        [
            {
                "project_id": pid,
                "period_id": period.id,
                "status": ReportStatus.APPROVED,
                "invested_wan": Decimal(pid % 500),
                "percent_complete": Decimal(pid % 100),
                "progress_text": "主体工程施工中，完成土建 60%，设备安装同步推进",
                "problems": "征地手续办理滞后" if pid % 3 else None,
                "next_steps": "加快推进主体工程建设",
                "version": 1,
            }
            for pid in ids
            if pid % 5  # one in five has no approved report: 未报送
        ],
    )
    refresh_progress(plan_ids=[plan.id])  # a Core insert bypasses the read model's flush hook
    session.commit()
    return period


def bare_xlsxwriter(plan, rows) -> float:
    """The same cells, formats, merges and page setup, written straight to XlsxWriter."""
    return bare_sheets(plan, [rows])


def bare_sheets(plan, sheets: list[list]) -> float:
    """bare_xlsxwriter for a workbook of several progress sheets (the per-county workbook)."""
    columns = layout_columns(progress_spec(), plan.short_name)
    start = time.perf_counter()
    wb = xlsxwriter.Workbook(BytesIO(), {"in_memory": True, "strings_to_formulas": False})
    formats = {}
    for tint in (None, *ROW_TINTS):
        for style, props in STYLES.items():
            extra = {"bold": True, "bg_color": ROW_TINTS[tint]} if tint else {}
            formats[style, tint] = wb.add_format({**props, **extra})
    fills = {level: wb.add_format({**STYLES["center"], "bg_color": c}) for level, c in LEVEL_FILLS.items()}
    for n, rows in enumerate(sheets):
        _bare_sheet(wb.add_worksheet(f"S{n}"), columns, rows, formats, fills)
    wb.close()
    return time.perf_counter() - start


def _bare_sheet(ws, columns, rows, formats, fills) -> None:
    ws.merge_range(0, 0, 0, len(columns) - 1, "title", formats["title", None])
    for c, column in enumerate(columns):
        ws.merge_range(2, c, 3, c, column.header, formats["header", None])
        ws.set_column(c, c, column.width)
    for r, row in enumerate(rows, start=4):
        tint = None if row.kind == "project" else row.kind
        for c, column in enumerate(columns):
            value = row.values.get(column.key)
            if column.key == "warning" and row.level in fills:
                ws.write_string(r, c, value, fills[row.level])
            elif isinstance(value, Decimal | int):
                ws.write_number(r, c, float(value), formats[column.style, tint])
            elif value is None:
                ws.write_blank(r, c, None, formats[column.style, tint])
            else:
                ws.write_string(r, c, value, formats[column.style, tint])
    ws.set_paper(8)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2, 3)
    ws.freeze_panes(4, 2)


@contextmanager
def seeded_period(n: int):
    """A throwaway migrated database with n projects and their reports; yields the last period, inside
    an app context (bench_layouts measures on the same set-up). SQLite in a temporary directory, or the
    PostgreSQL database DATABASE_URL names (its tables are dropped and rebuilt)."""
    with TemporaryDirectory() as tmp:
        url = _database_url(tmp)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            yield seed(n)
        app.extensions["db_engine"].dispose()


def main(n: int) -> None:
    with seeded_period(n) as period:
        filters, spec = ProjectFilters(), progress_spec()
        print(f"projects: {n}, database: {session.get_bind().dialect.name}")
        projects = load_projects(Operator(), spec, period, None, filters)
        rows = prepare(Operator(), spec, period, projects).rows
        file = export_progress(Operator(), period, filters)
        print(f"调度表: {len(rows)} rows, file {len(file.content) / 1e6:.1f} MB")
        compare(
            "调度表 (whole export)",
            lambda: export_progress(Operator(), period, filters),
            lambda: bare_xlsxwriter(period.plan, rows),
        )
        counties = by_county(Operator(), projects)
        sheets = [prepare(Operator(), spec, period, members).rows for _c, members in counties]
        print(f"per-county workbook: {len(sheets)} sheets, {sum(map(len, sheets))} rows")
        compare(
            "per-county workbook (whole export)",
            lambda: export_county_sheets(Operator(), period, filters),
            lambda: bare_sheets(period.plan, sheets),
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
