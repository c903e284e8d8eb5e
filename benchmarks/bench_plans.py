"""Query plans of the hot pages' statements, before and after the planner's statistics are refreshed.

    .venv/bin/python -m benchmarks.bench_plans [--projects 10000] [--slowest 4]

Seeds as bench_inprocess does, requests each page once while recording its SELECT statements and their
times, then prints the plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL) of each page's slowest
statements, first on the never-analysed database and again after refresh_statistics (ANALYZE).
DATABASE_URL may name a PostgreSQL database instead (its tables are dropped and rebuilt).
"""

import argparse
import tempfile
import time

from sqlalchemy import event

from benchmarks.bench_inprocess import seed
from benchmarks.bench_pages import _database_url
from portfolio import create_app
from portfolio.db import refresh_statistics
from tests.factories import login_as


def record_statements(engine, client, url: str) -> list[tuple[float, str, object]]:
    """(milliseconds, SQL, parameters) of every SELECT one request runs."""
    seen, started = [], {}

    def before(_conn, _cursor, statement, parameters, context, _many):
        started[id(context)] = time.perf_counter()

    def after(_conn, _cursor, statement, parameters, context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            elapsed = (time.perf_counter() - started.pop(id(context), time.perf_counter())) * 1000
            seen.append((elapsed, statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return seen


def explain(engine, statement: str, parameters) -> list[str]:
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    return [
        " | ".join(str(v) for v in row[-1:]) if engine.dialect.name == "sqlite" else row[0] for row in rows
    ]


def show(engine, clients, pages, slowest: int) -> None:
    for who, label, url in pages:
        statements = sorted(record_statements(engine, clients[who], url), key=lambda s: -s[0])
        total = sum(s[0] for s in statements)
        print(f"\n== {label} {url}: {len(statements)} SELECTs, {total:.1f} ms in the database")
        for elapsed, statement, parameters in statements[:slowest]:
            print(f"-- {elapsed:.1f} ms: {' '.join(statement.split())[:300]}")
            for line in explain(engine, statement, parameters):
                print(f"     {line}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--slowest", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"DATABASE_URL": _database_url(tmp), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        )
        world = seed(app, args.projects, analyze=False)
        engine = app.extensions["db_engine"]
        clients = {}
        for name, user in world["users"].items():
            clients[name] = app.test_client()
            login_as(clients[name], user)
        pages = [p for p in world["pages"] if clients[p[0]].get(p[2]).status_code == 200]
        print(f"######## {engine.dialect.name}: never analysed")
        show(engine, clients, pages, args.slowest)
        with engine.begin() as conn:
            refresh_statistics(conn)
        print(f"\n######## {engine.dialect.name}: after refresh_statistics (ANALYZE)")
        show(engine, clients, pages, args.slowest)
        engine.dispose()


if __name__ == "__main__":
    main()
