"""Benchmark: every page in-process against a bare endpoint timed in the same run (SQLite by default).

    .venv/bin/python -m benchmarks.bench_inprocess [--projects 10000] [--requests 20] [--profile 15]
        [--open-period]

Seeds the projects with four quarters of approved reports for half of them (as bench_pages does) and a
mid-term evaluation round, then times each page through the Flask test client next to a bare endpoint that
only returns a short string, and prints the median, p95 and the ratio of medians. With --profile N it also
prints the top N cProfile entries (by own time) of one request to each page. With --open-period, today is
frozen inside the last quarter (as a city is most of the time: a period open, its reports coming in), so
every page judges progress as of a date that is no period end.
DATABASE_URL may name a PostgreSQL database instead (its tables are dropped and rebuilt).
"""

import argparse
import cProfile
import importlib
import io
import pstats
import tempfile
import time
from datetime import date, datetime
from datetime import time as clock

from flask import g
from sqlalchemy import select, update

from benchmarks.bench_pages import _database_url, _seed_reports, _time
from portfolio import create_app, data_version, localtime
from portfolio.db import refresh_statistics, session
from portfolio.evaluation.services import create_round, default_rounds
from portfolio.projects.models import Project
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.progress import anchor_period_id
from portfolio.reporting.progress_model import refresh_progress
from tests.factories import bulk_projects, login_as, make_user, seed_reference


def add_bare_endpoint(app) -> None:
    """A route doing no work, so every page's time can be read as a multiple of Flask's own overhead."""
    app.add_url_rule("/bench-bare", "bench_bare", lambda: "ok")


def load_user_per_request(app) -> None:
    """The benchmark holds one app context around all its clients, so Flask-Login's g._login_user would
    outlive a request: every client would be whoever signed in first (the officer's and the reviewer's pages
    were the planner's) and no request would load its user. The tests drop it the same way (conftest)."""

    @app.before_request
    def _forget_loaded_user():
        g.pop("_login_user", None)


def freeze_today(day: date | None) -> None:
    """Make `day` today for every reader of the local date (None: the real today again)."""
    localtime.local_now = _real_now if day is None else (lambda: datetime.combine(day, clock(10)))


_real_now = localtime.local_now


def open_last_period(plan) -> date:
    """Put today inside the last seeded quarter, with a quarter of its reports still awaiting review."""
    periods = select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id)
    period = session.scalar(periods.order_by(ReportingPeriod.ends_on.desc()))
    today = period.ends_on.replace(day=15, month=period.ends_on.month - 1)
    session.execute(
        update(StatusReport)
        .where(StatusReport.period_id == period.id, StatusReport.project_id % 8 == 0)
        .values(status=ReportStatus.SUBMITTED)
    )
    refresh_progress(plan_ids=[plan.id])  # a Core update bypasses the read model's flush hook
    return today


def seed(app, projects: int, analyze: bool = True, open_period: bool = False) -> dict:
    """Seed a plan with projects, reports and a round; return the URLs to time and the logged-in users.

    With `analyze`, the planner's statistics are refreshed afterwards, as an annex import does. With
    `open_period`, today is frozen inside the last quarter (see open_last_period); "today" is in the result.
    """
    with app.app_context():
        started = time.perf_counter()
        plan = seed_reference()
        planner = make_user("bench-planner", "planner")
        reviewer = make_user("bench-reviewer", "reviewer")
        officer = make_user("bench-officer", "county_officer", county="温县")
        bulk_projects(projects, plan)
        _seed_reports(plan)
        today = open_last_period(plan) if open_period else None
        freeze_today(today)
        session.commit()
        round_ = create_round(reviewer, plan, *default_rounds(plan)[0])
        if analyze:
            refresh_statistics(session.connection())
        session.commit()
        period = session.scalar(select(ReportingPeriod).order_by(ReportingPeriod.ends_on.desc()))
        project_id = session.scalar(select(Project.id).order_by(Project.id))
        print(f"seeded {projects} projects in {time.perf_counter() - started:.1f} s")
        return {
            "today": today,
            "users": {"planner": planner, "reviewer": reviewer, "county_officer": officer},
            "pages": [
                ("planner", "list", "/projects"),
                ("planner", "list, page 100", "/projects?page=100&sort=total&dir=desc"),
                ("planner", "detail", f"/projects/{project_id}"),
                ("planner", "summary", "/summary"),
                ("planner", "period page", f"/reporting/periods/{period.id}"),
                ("planner", "period, page 100", f"/reporting/periods/{period.id}?page=100"),
                ("planner", "period, not reported", f"/reporting/periods/{period.id}?state=missing&page=20"),
                ("reviewer", "evaluation round", f"/evaluation/rounds/{round_.id}"),
                ("planner", "dashboard", "/dashboard"),
                ("planner", "home, planner", "/home"),
                ("county_officer", "home, officer", "/home"),
                ("reviewer", "home, reviewer", "/home"),
                ("planner", "督办", "/supervision"),
            ],
        }


# Every reader that chooses between the read model and the live computation asks this one function.
ANCHOR_USERS = ("portfolio.reporting.progress", "portfolio.projects.summary", "portfolio.dashboard.queries")


def live_only(enabled: bool) -> None:
    """With `enabled`, every page computes progress from the reports as it did before the read model."""
    for name in ANCHOR_USERS:
        module = importlib.import_module(name)
        module.anchor_period_id = (lambda *_: None) if enabled else anchor_period_id
    data_version.forget()  # pages remember their progress per data version: make each mode compute it


def profile(client, url: str, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, help="print the top N profile entries per page")
    parser.add_argument("--open-period", action="store_true", help="today inside the last period")
    parser.add_argument(
        "--compare-live", action="store_true", help="also time each page without the read model"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"DATABASE_URL": _database_url(tmp), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        )
        add_bare_endpoint(app)
        load_user_per_request(app)
        world = seed(app, args.projects, open_period=args.open_period)
        print(f"today: {world['today'] or 'the real today (no open period)'}")
        clients = {}
        with app.app_context():  # a login writes its session row
            for name, user in world["users"].items():
                clients[name] = app.test_client()
                login_as(clients[name], session.merge(user))
        bare, bare_p95 = _time(clients["planner"], "/bench-bare", args.requests * 10)
        print(f"{'page':<24}{'median ms':>10}{'p95 ms':>10}{'× bare':>10}")
        print(f"{'bare endpoint':<24}{bare:>10.2f}{bare_p95:>10.2f}{1:>10.0f}")
        for who, label, url in world["pages"]:
            if clients[who].get(url).status_code == 404:
                print(f"{label:<24}{'(not on this branch)':>30}")
                continue
            median, p95 = _time(clients[who], url, args.requests)
            print(f"{label:<24}{median:>10.1f}{p95:>10.1f}{median / bare:>10.0f}")
            if args.compare_live:
                live_only(True)
                median, p95 = _time(clients[who], url, args.requests)
                live_only(False)
                print(f"{'  without read model':<24}{median:>10.1f}{p95:>10.1f}{median / bare:>10.0f}")
        bare_after, _ = _time(clients["planner"], "/bench-bare", args.requests * 10)
        print(f"{'bare endpoint (again)':<24}{bare_after:>10.2f}")
        if args.profile:
            for who, label, url in world["pages"]:
                print(f"==== profile: {label} {url}")
                print(profile(clients[who], url, args.profile))
        app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
