"""Annex import benchmark: a generated 10,000-project annex into a fresh database.

Prints, in CPU time of this process and in wall time: the bare read of the file by python-calamine (the
fastest Python .xlsx reader we could install), a dry run, the first import (read + classify + validate +
diff + write + commit), an unchanged re-import, and the ratios of the two imports to the bare read.
Run: .venv/bin/python benchmarks/bench_import.py [--projects 10000]
DATABASE_URL may name a PostgreSQL database instead of a fresh SQLite file (its schema is dropped and
rebuilt).
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import python_calamine
import xlsxwriter
from sqlalchemy import text

from portfolio import create_app, schema
from portfolio.db import make_engine, session
from portfolio.projects.seed_data import LOCATIONS, PLAN_14

CN = "一二三四五六七八九十"
HEADERS = [
    "序号",
    "项目名称",
    "建设地点",
    "建设性质",
    "主要建设内容及规模",
    "建设起止年限",
    "总投资",
    "“十四五”投资",
    "分年度投资计划",
    "",
    "",
    "",
    "",
    "计划开工时间",
    "计划竣工时间",
    "责任单位",
    "备注",
]


def generate(n_projects: int) -> bytes:
    """An annex in the shipped layout: title, units line, two-row header, 合计, categories, sub-categories."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet("重大工程项目")
    ws.merge_range(0, 0, 0, 16, "重大工程项目表（基准测试）")
    ws.write(1, 14, "单位：万元")
    for col, heading in enumerate(HEADERS):
        if col not in range(8, 13):
            ws.merge_range(2, col, 3, col, heading)
    ws.merge_range(2, 8, 2, 12, "分年度投资计划")
    for i, year in enumerate(range(2021, 2026)):
        ws.write(3, 8 + i, f"{year}年")
    counties = [name for name, _kind in LOCATIONS]
    per_category = n_projects // len(PLAN_14["categories"])
    row, seq = 5, 0
    for c_index, (_number, name, _aliases, subs) in enumerate(PLAN_14["categories"]):
        ws.write_row(row, 0, [CN[c_index], f"{name}（{per_category}项）"])
        row += 1
        groups = subs or [None]
        for s_index, sub in enumerate(groups):
            if sub:
                ws.write_row(row, 0, [f"（{CN[s_index]}）", sub])
                row += 1
            count = per_category // len(groups) + (1 if s_index < per_category % len(groups) else 0)
            for _ in range(count):
                seq += 1
                county = counties[seq % 11]
                annual = [1000 + seq % 7, 2000, 1500 + seq % 5, 800, 700]
                fyp = sum(annual)
                ws.write_row(
                    row,
                    0,
                    [
                        seq,
                        f"{county}第{seq}号生态环境工程",
                        county,
                        "新建",
                        "建设内容及规模说明",
                        "2021-2025",
                        fyp + 500.5,
                        fyp,
                        *annual,
                        "2021年3月",
                        "2025年10月",
                        f"{county}人民政府、市生态环境局",
                        None,
                    ],
                )
                row += 1
    ws.write_row(4, 0, [None, f"合计（{seq}项）"])
    wb.close()
    return out.getvalue()


def _timed(fn) -> tuple[float, float, object]:
    """(CPU seconds of this process, wall seconds, result): CPU time is least disturbed by other work."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def bare_read(data: bytes) -> tuple[float, float]:
    """python-calamine reading every sheet of the file into Python values, nothing else."""

    def read():
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()

    cpu, wall, _ = _timed(read)
    return cpu, wall


def _database_url(tmp: str) -> str:
    """A fresh SQLite file, or DATABASE_URL (PostgreSQL) with its public schema dropped and rebuilt."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    engine = make_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    schema.upgrade(engine)
    engine.dispose()
    return url


def import_thrice(data: bytes, url: str) -> dict[str, tuple[float, float]]:
    """(CPU, wall) of a dry run (read, classify, validate, diff), the real import, and an unchanged
    re-import, each with its commit."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    times = {}
    with app.app_context():
        from portfolio.annex.services import import_annex
        from portfolio.projects.services import ensure_locations, load_plan

        ensure_locations()
        plan = load_plan(PLAN_14)
        session.commit()
        for label, dry_run in (("dry run", True), ("import", False), ("re-import", False)):

            def run(dry_run=dry_run):
                report = import_annex(None, data, "bench.xlsx", plan, dry_run=dry_run)
                session.commit()
                return report

            cpu, wall, report = _timed(run)
            assert report.ok, report.errors[:5]
            times[label] = (cpu, wall)
            print(f"  {label:<10} CPU {cpu:6.3f} s  wall {wall:6.3f} s  {report.counts}")
    app.extensions["db_engine"].dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    args = parser.parse_args()
    import logging

    logging.disable(logging.INFO)
    data = generate(args.projects)
    with tempfile.TemporaryDirectory() as tmp:
        url = _database_url(tmp)
        print(f"annex: {args.projects} projects, {len(data) / 1024:.0f} KiB, into {url.split(':')[0]}")
        reads = sorted(bare_read(data) for _ in range(5))
        times = import_thrice(data, url)
    # Median of five by CPU time; its wall time goes with it.
    read = reads[len(reads) // 2]
    print(f"bare read (python-calamine, median of 5): CPU {read[0]:.3f} s  wall {read[1]:.3f} s")
    for label, target in (("import", 4), ("re-import", 3)):
        cpu, wall = times[label]
        print(
            f"ratio {label:<9} / bare read: CPU {cpu / read[0]:5.1f}x  wall {wall / read[1]:5.1f}x"
            f"  (target <= {target}x)"
        )


if __name__ == "__main__":
    main()
