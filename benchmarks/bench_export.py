"""Benchmark: export the progress sheet (调度表) for 10,000 projects; compare with bare XlsxWriter.

Run:  .venv/bin/python benchmarks/bench_export.py [N]
Prints the time and peak memory of the whole export (database reads included), of writing alone,
and the ratio to XlsxWriter writing the same cells with the same formats and no layout code; then the
same for the per-county workbook. Every time is the best of three runs, the bare writer's as ours.
"""

import sys
import time
import tracemalloc
from contextlib import contextmanager
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import xlsxwriter
from sqlalchemy import insert, select

from portfolio import create_app, schema
from portfolio.db import make_engine, session
from portfolio.exports.progress_sheet import build_rows
from portfolio.exports.queries import list_sheet_projects
from portfolio.exports.services import Operator
from portfolio.exports.sheet_layout import LEVEL_FILLS, ROW_TINTS, STYLES, Book
from portfolio.layouts.builtin import progress_spec
from portfolio.layouts.progress_sheets import by_county, export_county_sheets, export_progress
from portfolio.layouts.render import SheetText, write_layout_sheet
from portfolio.layouts.sheets import layout_columns, load_projects, prepare
from portfolio.projects.models import Project
from portfolio.projects.queries import ProjectFilters
from portfolio.reporting.models import ReportStatus, StatusReport
from portfolio.reporting.progress import progress_for
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


def ours(period, rows) -> float:
    start = time.perf_counter()
    book = Book()
    spec = progress_spec()
    columns = layout_columns(spec, period.plan.short_name)
    write_layout_sheet(book, spec, "推进情况表", columns, rows, SheetText("title", "unit", "date"))
    book.close()
    return time.perf_counter() - start


@contextmanager
def seeded_period(n: int):
    """A throwaway migrated SQLite database with n projects and their reports; yields the last period,
    inside an app context (bench_layouts measures on the same set-up)."""
    with TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        schema.upgrade(engine)
        engine.dispose()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            yield seed(n)


def main(n: int) -> None:
    with seeded_period(n) as period:
        filters = ProjectFilters()
        file = export_progress(Operator(), period, filters)
        total = min(_timed(lambda: export_progress(Operator(), period, filters)) for _ in range(3))
        tracemalloc.start()
        export_progress(Operator(), period, filters)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        projects = list_sheet_projects(Operator(), period.plan, filters)
        rows = build_rows(projects, progress_for(projects, period.ends_on, period))
        mine = min(ours(period, rows) for _ in range(3))
        bare = min(bare_xlsxwriter(period.plan, rows) for _ in range(3))
        tracemalloc.start()
        bare_xlsxwriter(period.plan, rows)
        bare_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        county_line = county_workbook(period, filters)
    print(f"projects: {n}, sheet rows: {len(rows)}, file: {len(file.content) / 1e6:.1f} MB")
    print(f"whole export (reads + layout + write): {total:.2f} s, peak Python memory {peak / 1e6:.0f} MB")
    print(f"writing only: ours {mine:.2f} s, bare XlsxWriter {bare:.2f} s, ratio {mine / bare:.2f}x")
    print(f"whole export vs bare XlsxWriter writing: {total / bare:.2f}x")
    print(f"peak memory: bare XlsxWriter {bare_peak / 1e6:.0f} MB, ratio {peak / bare_peak:.2f}x")
    print(county_line)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def county_workbook(period, filters) -> str:
    """The per-county workbook, whole, against bare XlsxWriter writing the same sheets (same run)."""
    total = min(_timed(lambda: export_county_sheets(Operator(), period, filters)) for _ in range(3))
    tracemalloc.start()
    export_county_sheets(Operator(), period, filters)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    spec = progress_spec()
    projects = load_projects(Operator(), spec, period, None, filters)
    sheets = [
        prepare(Operator(), spec, period, members).rows for _c, members in by_county(Operator(), projects)
    ]
    bare = min(bare_sheets(period.plan, sheets) for _ in range(3))
    tracemalloc.start()
    bare_sheets(period.plan, sheets)
    bare_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (
        f"per-county workbook: {len(sheets)} sheets, {sum(map(len, sheets))} rows; whole {total:.2f} s, "
        f"bare XlsxWriter {bare:.2f} s, ratio {total / bare:.2f}x; peak {peak / 1e6:.0f} MB vs "
        f"{bare_peak / 1e6:.0f} MB, ratio {peak / bare_peak:.2f}x"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
