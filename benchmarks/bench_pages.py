"""Benchmark: latency of the project list and summary pages over 10,000 projects (SQLite by default).

    .venv/bin/python -m benchmarks.bench_pages [--projects 10000] [--requests 30]

Seeds a fresh database with the projects and four quarters of approved reports for half of them, then
times requests through the Flask test client (no network) and prints the median and p95 in milliseconds.
DATABASE_URL may name a PostgreSQL database instead (its tables are dropped and rebuilt).
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select, text

from portfolio import create_app, schema
from portfolio.db import make_engine, session
from portfolio.projects.models import Project
from portfolio.reporting.models import PeriodKind, ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.progress_model import refresh_progress
from tests.factories import bulk_projects, login_as, make_user, seed_reference


def _database_url(tmp: str) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    engine = make_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    schema.upgrade(engine)
    engine.dispose()
    return url


def _seed_reports(plan) -> None:
    ids = session.scalars(select(Project.id).order_by(Project.id)).all()
    year = plan.start_year + 2
    for quarter in range(1, 5):
        ends = date(year, quarter * 3, 28)
        period = ReportingPeriod(
            plan_id=plan.id,
            code=f"{year}Q{quarter}",
            kind=PeriodKind.QUARTER,
            year=year,
            number=quarter,
            starts_on=date(year, quarter * 3 - 2, 1),
            ends_on=ends,
            deadline=ends,
        )
        session.add(period)
        session.flush()
        rows = [
            {
                "project_id": pid,
                "period_id": period.id,
                "status": ReportStatus.APPROVED,
                "percent_complete": Decimal(quarter * 20 - (pid % 40)).max(Decimal(0)),
                "invested_wan": Decimal("12.5"),
                "progress_text": "主体工程施工",
                "version": 1,
            }
            for pid in ids[::2]
        ]
        session.execute(insert(StatusReport), rows)
    refresh_progress(plan_ids=[plan.id])  # a Core insert bypasses the read model's flush hook


def _time(client, url: str, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = {"DATABASE_URL": _database_url(tmp), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        app = create_app(config)
        with app.app_context():
            started = time.perf_counter()
            plan = seed_reference()
            planner = make_user("bench-planner", "planner")
            officer = make_user("bench-officer", "county_officer", county="温县")
            bulk_projects(args.projects, plan)
            _seed_reports(plan)
            session.commit()
            print(f"seeded {args.projects} projects in {time.perf_counter() - started:.1f} s")
            clients = {}
            for name, user in (("planner", planner), ("officer", officer)):
                clients[name] = app.test_client()
                login_as(clients[name], user)
        cases = [
            ("planner", "/projects"),
            ("planner", "/projects?page=100&sort=total&dir=desc"),
            ("planner", "/projects?q=批量项目99"),
            ("officer", "/projects"),
            ("planner", "/summary"),
            ("officer", "/summary"),
        ]
        print(f"{'page':<48}{'median ms':>10}{'p95 ms':>10}")
        for who, url in cases:
            median, p95 = _time(clients[who], url, args.requests)
            print(f"{who + ' ' + url:<48}{median:>10.1f}{p95:>10.1f}")
        app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
