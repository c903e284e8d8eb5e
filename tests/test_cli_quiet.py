"""The command line prints what the user asked for: no library start-up logging unless --verbose."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _flask(tmp_path, *args) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PORTFOLIO_UPLOAD_DIR": str(tmp_path),
    }
    env.pop("FLASK_ENV_PRODUCTION", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_db_upgrade_prints_one_line_and_verbose_shows_alembic(tmp_path):
    done = _flask(tmp_path, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "数据库已迁移至 head。"
    assert done.stderr == ""
    verbose = _flask(tmp_path, "db", "current", "--verbose")
    assert "数据库结构为最新" in verbose.stdout and "alembic.runtime.migration" in verbose.stderr


def test_security_warnings_still_reach_the_log(app, caplog, client):
    from tests.factories import make_user

    make_user("someone", "planner")
    from portfolio.db import session

    session.commit()
    client.post("/login", data={"username": "someone", "password": "wrong-password-1"})
    assert any(r.name == "portfolio.security" and r.levelname == "WARNING" for r in caplog.records)
