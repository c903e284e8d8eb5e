"""Benchmark: latency of the dashboard (驾驶舱) at the demo's size and at 10,000 projects.

    .venv/bin/python -m benchmarks.bench_dashboard [--sizes 86 10000] [--requests 20]

For each size, seeds a fresh database (SQLite by default, or DATABASE_URL) with that many projects and four
quarters of approved reports for half of them (the seeding of bench_pages), then times GET /dashboard for a
planner (whole city), a planner on one period and county, and a county officer, through the Flask test
client; then the status-history grid (进度历史, one page of 50 rows × 8 periods, unfiltered and filtered by
warning) and its sheet of every row (fewer requests: it writes the whole portfolio). Prints the median and
p95 in milliseconds.
"""

import argparse
import tempfile
import time

from sqlalchemy import select

from benchmarks.bench_pages import _database_url, _seed_reports, _time
from portfolio import create_app
from portfolio.db import session
from portfolio.projects.models import Location
from portfolio.reporting.models import ReportingPeriod
from tests.factories import bulk_projects, login_as, make_user, seed_reference


def _measure(size: int, requests: int) -> list[tuple[str, float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"DATABASE_URL": _database_url(tmp), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        )
        with app.app_context():
            plan = seed_reference()
            planner = make_user("bench-planner", "planner")
            officer = make_user("bench-officer", "county_officer", county="温县")
            bulk_projects(size, plan)
            _seed_reports(plan)
            session.commit()
            period = session.scalar(
                select(ReportingPeriod.id).order_by(ReportingPeriod.ends_on.desc()).limit(1)
            )
            county = session.scalar(select(Location.id).where(Location.name == "武陟县"))
            clients = {}
            for name, user in (("planner", planner), ("officer", officer)):
                clients[name] = app.test_client()
                login_as(clients[name], user)
        sheet_requests = max(requests // 5, 2)
        cases = [
            ("planner", "/dashboard", requests),
            ("planner", f"/dashboard?period={period}&county={county}&map=warnings", requests),
            ("officer", "/dashboard", requests),
            ("planner", "/projects/history", requests),
            ("planner", "/projects/history?level=red&page=3", requests),
            ("officer", "/projects/history", requests),
            ("planner", "/exports/history.xlsx", sheet_requests),
        ]
        results = [(f"{who} {url}", *_time(clients[who], url, n)) for who, url, n in cases]
        app.extensions["db_engine"].dispose()
        return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[86, 10_000])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    print(f"{'projects':>9}  {'page':<60}{'median ms':>10}{'p95 ms':>10}")
    for size in args.sizes:
        started = time.perf_counter()
        results = _measure(size, args.requests)
        for page, median, p95 in results:
            print(f"{size:>9}  {page:<60}{median:>10.1f}{p95:>10.1f}")
        print(f"{'':>9}  (seeding and timing took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
