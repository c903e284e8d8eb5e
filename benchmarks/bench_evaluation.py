"""Benchmark: an evaluation round over many projects (SQLite by default).

    .venv/bin/python -m benchmarks.bench_evaluation [--projects 10000] [--requests 10] [--workbook-only]

Seeds projects and a year of approved reports (the same seeding as bench_pages), then times creating the
mid-term round, the draft report (computed live), the workbook, finalizing, and the frozen report.
The report workbook is also set against bare XlsxWriter writing the same cells: bare time, whole (report
data + writing), ratio, bare peak memory, whole, ratio (benchmarks.against_bare); and writing alone.
DATABASE_URL may name a PostgreSQL database instead (its tables are dropped and rebuilt).
"""

import argparse
import tempfile
import time
from io import BytesIO

import xlsxwriter
from openpyxl import load_workbook

from benchmarks.against_bare import compare
from benchmarks.bench_pages import _database_url, _seed_reports, _time
from portfolio import create_app, data_version
from portfolio.db import session
from portfolio.evaluation.indicators import load_indicators
from portfolio.evaluation.report_xlsx import report_workbook, write_report
from portfolio.evaluation.scope import report_for
from portfolio.evaluation.services import create_round, default_rounds, finalize_round
from tests.factories import bulk_projects, login_as, make_user, seed_reference


def _timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    print(f"{label:<48}{(time.perf_counter() - started) * 1000:>10.1f} ms")
    return result


def _cells(content: bytes) -> list[list[tuple]]:
    """Every cell of each sheet of a workbook that holds a value or a border (a table's empty cell is
    drawn too), read back: what bare XlsxWriter is asked to write."""
    book = load_workbook(BytesIO(content))
    return [
        [
            (c.row - 1, c.column - 1, c.value)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None or c.border.left.style
        ]
        for ws in book.worksheets
    ]


def _bare(sheets: list[list[tuple]]) -> None:
    wb = xlsxwriter.Workbook(BytesIO(), {"in_memory": True})
    text = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    number = wb.add_format({"border": 1, "valign": "top"})
    money = wb.add_format({"border": 1, "valign": "top", "num_format": "#,##0.00"})
    for n, cells in enumerate(sheets):
        ws = wb.add_worksheet(f"S{n}")
        for row, col, value in cells:
            if isinstance(value, str):
                ws.write_string(row, col, value, text)
            elif isinstance(value, int | float):
                ws.write_number(row, col, value, money if isinstance(value, float) else number)
            elif value is None:
                ws.write_blank(row, col, None, number)
            else:
                ws.write(row, col, value, number)
    wb.close()


def workbook_against_bare(round_, user) -> None:
    """Whole report.xlsx (report data + writing) against bare XlsxWriter writing its cells, same run."""

    def whole() -> bytes:  # what the report.xlsx route sends, its report data remembered from a run before
        return report_workbook(round_, user).content

    def cold() -> bytes:  # the first download after any write: the report data is gathered afresh
        data_version.forget()
        return whole()

    data = report_for(round_, user)
    sheets = _cells(whole())
    print(f"report.xlsx: {sum(len(c) for c in sheets)} cells in {len(sheets)} sheets")
    compare("report.xlsx whole export, first after a write", cold, lambda: _bare(sheets))
    compare("report.xlsx whole export, data remembered", whole, lambda: _bare(sheets))
    compare("report.xlsx writing only", lambda: write_report(data, BytesIO()), lambda: _bare(sheets))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--workbook-only", action="store_true", help="only report.xlsx against bare")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"DATABASE_URL": _database_url(tmp), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        )
        with app.app_context():
            plan = seed_reference()
            reviewer = make_user("bench-reviewer", "reviewer")
            bulk_projects(args.projects, plan)
            _seed_reports(plan)
            load_indicators(plan)
            session.commit()
            round_ = _timed(
                f"create mid-term round ({args.projects} projects)",
                lambda: create_round(reviewer, plan, *default_rounds(plan)[0]),
            )
            session.commit()
            workbook_against_bare(round_, reviewer)
            if args.workbook_only:
                return
            client = app.test_client()
            login_as(client, reviewer)
        base = f"/evaluation/rounds/{round_.id}"
        print(f"{'page':<48}{'median ms':>10}{'p95 ms':>10}")
        for url in (base, f"{base}/report", f"{base}/report.xlsx"):
            median, p95 = _time(client, url, args.requests)
            print(f"{'draft ' + url:<48}{median:>10.1f}{p95:>10.1f}")
        with app.app_context():
            _timed(
                "finalize (build and store the snapshot)",
                lambda: finalize_round(reviewer, session.merge(round_)),
            )
            session.commit()
        for url in (f"{base}/report", f"{base}/report.xlsx"):
            median, p95 = _time(client, url, args.requests)
            print(f"{'frozen ' + url:<48}{median:>10.1f}{p95:>10.1f}")
        app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
