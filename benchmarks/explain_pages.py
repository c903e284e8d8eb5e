"""Query plans of the hot pages on PostgreSQL: every SELECT a page sends, run again under EXPLAIN ANALYZE.

    DATABASE_URL=postgresql+psycopg://… .venv/bin/python -m benchmarks.bench_inprocess   # seeds that database
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python -m benchmarks.explain_pages [--top 4]

Prints, for each page, how many statements it sends and their summed execution time, then the slowest
statements with their plans (sequential scans, sorts and joins as PostgreSQL chose them).
"""

import argparse
import os
import re

from sqlalchemy import event, select

from portfolio import create_app
from portfolio.auth.models import User
from portfolio.db import session
from portfolio.evaluation.models import EvaluationRound
from portfolio.projects.models import Project
from portfolio.reporting.models import ReportingPeriod
from tests.factories import login_as


def _pages() -> list[tuple[str, str]]:
    project = session.scalar(select(Project.id).order_by(Project.id))
    period = session.scalar(select(ReportingPeriod.id).order_by(ReportingPeriod.ends_on.desc()))
    round_ = session.scalar(select(EvaluationRound.id))
    return [
        ("bench-planner", "/projects"),
        ("bench-planner", "/projects?page=100&sort=total&dir=desc"),
        ("bench-planner", f"/projects/{project}"),
        ("bench-planner", "/summary"),
        ("bench-planner", "/dashboard"),
        ("bench-planner", f"/reporting/periods/{period}"),
        ("bench-reviewer", f"/evaluation/rounds/{round_}"),
    ]


def _explain(engine, statements: list) -> list[tuple[float, str, list[str]]]:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        plans = []
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
            took = float(re.search(r"Execution Time: ([\d.]+)", lines[-1]).group(1))
            plans.append((took, " ".join(statement.split()), lines))
        return plans
    finally:
        raw.rollback()
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=4, help="plans printed per page")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("DATABASE_URL must name the PostgreSQL database bench_inprocess seeded.")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    engine = app.extensions["db_engine"]
    sent: list = []

    @event.listens_for(engine, "before_cursor_execute")
    def _keep(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    with app.app_context():
        pages = _pages()
        users = {name: session.scalar(select(User).where(User.username == name)) for name, _ in pages}
    for name, url_path in pages:
        client = app.test_client()
        with app.app_context():
            login_as(client, session.merge(users[name]))
        client.get(url_path)  # warm the caches, then keep only the second request's statements
        sent.clear()
        assert client.get(url_path).status_code == 200, url_path
        plans = _explain(engine, list(sent))
        print(f"\n### {url_path}: {len(plans)} statements, {sum(p[0] for p in plans):.1f} ms executing")
        for took, statement, lines in sorted(plans, key=lambda p: -p[0])[: args.top]:
            print(f"--- {took:.2f} ms: {statement[:240]}")
            for line in lines:
                print("    " + line)


if __name__ == "__main__":
    main()
