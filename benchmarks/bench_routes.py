"""Benchmark: walk every GET route of the app, as each role, at provincial scale (SQLite by default).

    .venv/bin/python -m benchmarks.bench_routes [--projects 10000] [--requests 5] [--only SUBSTRING]

Seeds what bench_inprocess seeds (projects, four quarters of approved reports for half of them, a
mid-term round), plus things that grow with the portfolio elsewhere: an audit entry per project and a
督办 item for every fifth project. Then it requests every GET route in app.url_map (ids filled from the
seeded rows; static files and workbook/zip downloads left out: the export benchmarks time those) as
planner, county officer, reviewer and admin, plus the query strings that page, sort, filter, search or
ask for a date that is not a period end. For each it prints the median time, its ratio to the bare
endpoint in the same process, the HTML size in KB and the number of SQL statements, and flags pages over
150x bare or over 500 KB. DATABASE_URL may name a PostgreSQL database instead (its tables are rebuilt).
"""

import argparse
import re
import tempfile
from datetime import date, datetime

from sqlalchemy import event, insert, select, text

from benchmarks.bench_inprocess import add_bare_endpoint, seed
from benchmarks.bench_pages import _database_url, _time
from portfolio import create_app
from portfolio.audit.models import AuditEntry
from portfolio.db import refresh_statistics, session
from portfolio.projects.models import Location, Project
from portfolio.supervision.models import ItemState, SupervisionItem
from tests.factories import login_as, make_user

TARGET, BIG_KB = 150, 500
SKIP = re.compile(r"^/static/|\.(xlsx|zip|json)$|/attachments/|/files/|/notice$|/error-report$")
PARAMETERS = {  # URL argument -> the table whose first row fills it
    "project_id": "projects",
    "period_id": "reporting_periods",
    "round_id": "evaluation_rounds",
    "report_id": "status_reports",
    "assessment_id": "project_assessments",
    "indicator_id": "indicators",
    "layout_id": "sheet_layouts",
    "plan_id": "plans",
    "user_id": "users",
    "batch_id": "import_batches",
    "item_id": "supervision_items",
}
# Query strings that reach what a bare route does not: later pages, sorting, filters, search, as-of dates.
EXTRA = [
    "/projects?page=100&sort=total&dir=desc",
    "/projects?q=批量项目99",
    "/projects?status=in_progress&sort=name",
    "/projects?as_of=2025-05-17",
    "/projects/history?page=50",
    "/summary?as_of=2025-05-17",
    "/dashboard?as_of=2025-05-17",
    "/reporting/periods/{period_id}?page=100",
    "/reporting/periods/{period_id}?state=missing&page=20",
    "/reporting/reminders?page=2",
    "/audit?page=50",
    "/supervision?page=2",
    "/evaluation/rounds/{round_id}?page=20",
    "/api/v1/projects?page=50",
    "/api/v1/projects?as_of=2025-05-17",
]
ROLES = ("planner", "county_officer", "reviewer", "admin")


def seed_growing(projects: list[int]) -> None:
    """Rows that grow with the portfolio outside the reports: audit entries and 督办 items."""
    now = datetime(2025, 6, 1)
    county_id = session.scalar(select(Location.id).where(Location.name == "温县"))
    session.execute(
        insert(AuditEntry),
        [
            {
                "at": now,
                "action": "project.update",
                "entity_type": "project",
                "entity_id": pid,
                "summary": "修改项目",
                "before": {"name": "旧"},
                "after": {"name": "新"},
            }
            for pid in projects
        ],
    )
    session.execute(
        insert(SupervisionItem),
        [
            {
                "project_id": pid,
                "year": 2025,
                "number": n + 1,
                "problem": "进度滞后",
                "measures_required": "加快推进",
                "deadline": date(2025, 9, 30),
                "state": ItemState.ISSUED,
                "county_id": county_id,
                "escalations": 0,
                "issued_at": now,
                "version": 1,
            }
            for n, pid in enumerate(projects[::5])
        ],
    )


def first_ids() -> dict:
    found = {}
    for argument, table in PARAMETERS.items():
        found[argument] = session.scalar(text(f"SELECT min(id) FROM {table}"))
    found["key"] = "total_investment"
    return found


def routes(app, ids: dict) -> list[str]:
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or SKIP.search(rule.rule) or rule.endpoint == "bench_bare":
            continue
        if any(ids.get(a) is None for a in rule.arguments):
            print(f"  (no row for {rule.rule})")
            continue
        urls.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule))
    return urls + [u.format(**ids) for u in EXTRA]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--open-period", action="store_true", help="today inside the last period")
    parser.add_argument("--only", default="", help="only URLs containing one of these (comma-separated)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"DATABASE_URL": _database_url(tmp), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        )
        add_bare_endpoint(app)
        world = seed(app, args.projects, analyze=False, open_period=args.open_period)
        with app.app_context():
            world["users"]["admin"] = make_user("bench-admin", "admin")
            seed_growing(session.scalars(select(Project.id).order_by(Project.id)).all())
            refresh_statistics(session.connection())
            session.commit()
            urls = [u for u in routes(app, first_ids()) if any(part in u for part in args.only.split(","))]
            clients = {}
            for role in ROLES:
                clients[role] = app.test_client()
                login_as(clients[role], session.merge(world["users"][role]))
        statements = [0]
        event.listen(
            app.extensions["db_engine"],
            "before_cursor_execute",
            lambda *a, **k: statements.__setitem__(0, statements[0] + 1),
        )
        bare, _ = _time(clients["planner"], "/bench-bare", 200)
        print(f"bare endpoint: {bare:.2f} ms")
        print(f"{'role':<15}{'url':<58}{'ms':>8}{'x bare':>8}{'KB':>8}{'SQL':>6}  flag")
        for url in urls:
            for role in ROLES:
                client = clients[role]
                statements[0] = 0
                response = client.get(url)
                count, status = statements[0], response.status_code
                if status != 200:
                    print(f"{role:<15}{url:<58}{'(' + str(status) + ')':>8}")
                    continue
                median, _ = _time(client, url, args.requests)
                kb = len(response.data) / 1024
                ratio = median / bare
                flag = " ".join(f for f, hit in (("SLOW", ratio > TARGET), ("BIG", kb > BIG_KB)) if hit)
                print(f"{role:<15}{url:<58}{median:>8.1f}{ratio:>8.0f}{kb:>8.0f}{count:>6}  {flag}")
        bare_after, _ = _time(clients["planner"], "/bench-bare", 200)
        print(f"bare endpoint (again): {bare_after:.2f} ms")
        app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
