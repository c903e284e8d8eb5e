"""The app gunicorn serves in bench_load: the real app on BENCH_DATABASE_URL, plus the bare endpoint (and
BENCH_TODAY, when set, as today)."""

import os
from datetime import date

from benchmarks.bench_inprocess import add_bare_endpoint, freeze_today
from portfolio import create_app


def create():
    """Build the app for one gunicorn worker."""
    app = create_app(
        {
            "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
            "SECRET_KEY": "bench-load",
            "WTF_CSRF_ENABLED": False,
        }
    )
    add_bare_endpoint(app)
    today = os.environ.get("BENCH_TODAY")
    freeze_today(date.fromisoformat(today) if today else None)  # bench_load --open-period
    return app
