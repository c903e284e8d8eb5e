"""Backup and restore benchmark: the demo data, then the demo plus 10,000 projects (each with a report).

Prints, for each data set: rows, backup time, archive size, and restore time into a fresh SQLite file
(and into PostgreSQL when --postgres names a database: each restore goes into a fresh schema, dropped after).
Run: .venv/bin/python -m benchmarks.bench_backup [--projects 10000] [--postgres URL]
"""

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select, text

from portfolio import create_app, schema
from portfolio.backup.dump import create_backup
from portfolio.backup.restore import restore_backup
from portfolio.db import make_engine, session
from portfolio.projects.models import Plan, Project
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from tests.factories import bulk_projects


def _app(url: str, uploads: Path):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "UPLOAD_DIR": str(uploads)})


def build(url: str, uploads: Path, extra_projects: int) -> None:
    """The README demo; then extra projects, each with an approved report in the demo's first period."""
    app = _app(url, uploads)
    with app.app_context():
        from portfolio.db import engine
        from portfolio.demo import seed_demo

        schema.upgrade(engine())
        list(seed_demo(app.config))
        session.commit()
        if extra_projects:
            plan = session.scalar(select(Plan))
            bulk_projects(extra_projects, plan)
            period = session.scalar(select(ReportingPeriod).order_by(ReportingPeriod.id))
            new = session.scalars(select(Project.id).where(Project.name.like("批量项目%"))).all()
            rows = [_report(pid, period.id) for pid in new]
            session.execute(insert(StatusReport), rows)
            session.commit()
    app.extensions["db_engine"].dispose()
    uploads.mkdir(parents=True, exist_ok=True)
    for i in range(20):  # a few photos' worth of attachments
        (uploads / f"photo{i:02d}.jpg").write_bytes(os.urandom(200_000))


def _report(project_id: int, period_id: int) -> dict:
    return {
        "project_id": project_id,
        "period_id": period_id,
        "status": ReportStatus.APPROVED,
        "progress_text": "主体工程完成过半，设备已进场",
        "percent_complete": 55,
        "invested_wan": 120,
        "problems": "征地协调",
        "next_steps": "完成设备安装调试",
        "version": 1,
    }


def measure(label: str, source: str, uploads: Path, tmp: Path, pg_url: str | None) -> None:
    engine = make_engine(source)
    archive = tmp / f"{label}.zip"
    start = time.perf_counter()
    manifest = create_backup(engine, uploads, archive)
    backup_s = time.perf_counter() - start
    engine.dispose()
    rows = sum(manifest.tables.values())
    size = archive.stat().st_size / 1024 / 1024
    print(f"{label}: {rows} rows, {len(manifest.files)} archive members")
    print(f"  backup                {backup_s:6.2f} s   archive {size:.1f} MB")
    targets = [("restore → SQLite", f"sqlite:///{tmp / (label + '-restored.db')}")]
    if pg_url:
        targets.append(("restore → PostgreSQL", _pg_schema(pg_url, create=True)))
    try:
        for name, url in targets:
            target = make_engine(url)
            start = time.perf_counter()
            restore_backup(target, tmp / f"{label}-{len(name)}-uploads", archive)
            print(f"  {name:<21} {time.perf_counter() - start:6.2f} s")
            target.dispose()
    finally:
        if pg_url:
            _pg_schema(pg_url, create=False)


def _pg_schema(url: str, create: bool) -> str:
    """Create (or drop) the schema bench_backup in the database; the URL that restores into it."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS bench_backup CASCADE"))
        if create:
            conn.execute(text("CREATE SCHEMA bench_backup"))
    engine.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3Dbench_backup"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL database URL to restore into")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for label, extra in (("demo", 0), (f"demo+{args.projects}", args.projects)):
            source = f"sqlite:///{tmp / (label + '.db')}"
            build(source, tmp / f"{label}-uploads", extra)
            measure(label, source, tmp / f"{label}-uploads", tmp, args.postgres)


if __name__ == "__main__":
    main()
