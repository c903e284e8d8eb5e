"""What the browser tests share: Debian's chromium through Playwright, and a live server on a migrated
SQLite file. Screenshots go to $SCREENSHOT_DIR (default: a folder under the system's temp directory)."""

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portfolio import create_app, schema
from portfolio.db import make_engine, session

CHROMIUM = Path("/usr/bin/chromium")
# The machine's network is closed: without these flags chromium keeps trying to reach Google's hosts.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@contextmanager
def live_server(tmp_path: Path, seed: Callable[[], dict], **config) -> Iterator[tuple]:
    """Serve the app on a free loopback port over a fresh migrated database; seed() returns ids to share."""
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "browser-test", "PASSWORD_HASH_CHEAP": True, **config}
    )
    with app.app_context():
        ids = seed()
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}", ids
    finally:
        server.shutdown()
        thread.join()
        app.extensions["db_engine"].dispose()


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def screenshot(page, name: str) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "portfolio-shots")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


ANNEX = Path(__file__).resolve().parents[1] / "import" / "major-projects-annex.xlsx"


@contextmanager
def demo_server(tmp_path: Path) -> Iterator[tuple]:
    """live_server over the demo portfolio (the shipped annex's 86 projects, demo accounts and reports)."""

    def seed():
        from flask import current_app

        from portfolio.demo import seed_demo

        list(seed_demo(current_app.config))
        return {}

    with live_server(tmp_path, seed, SEED_ANNEX=str(ANNEX)) as served:
        yield served


def login(page, base: str, username: str = "planner", password: str = "Planner#2026") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
