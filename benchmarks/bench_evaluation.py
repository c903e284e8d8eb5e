"""Benchmark: an evaluation round over many projects (SQLite by default).

    .venv/bin/python -m benchmarks.bench_evaluation [--projects 5000] [--requests 10]

Seeds projects and a year of approved reports (the same seeding as bench_pages), then times creating the
mid-term round, the draft report (computed live), the workbook, finalizing, and the frozen report.
DATABASE_URL may name a PostgreSQL database instead (its tables are dropped and rebuilt).
"""

import argparse
import tempfile
import time

from benchmarks.bench_pages import _database_url, _seed_reports, _time
from portfolio import create_app
from portfolio.db import session
from portfolio.evaluation.indicators import load_indicators
from portfolio.evaluation.services import create_round, default_rounds, finalize_round
from tests.factories import bulk_projects, login_as, make_user, seed_reference


def _timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    print(f"{label:<48}{(time.perf_counter() - started) * 1000:>10.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=10)
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
