"""The production install path of the README, on a fresh SQLite database, with no demo data involved."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _flask(db: Path, *args, production: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "PORTFOLIO_UPLOAD_DIR": str(db.parent / "up")}
    env.pop("FLASK_ENV_PRODUCTION", None)
    if production:
        env["FLASK_ENV_PRODUCTION"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "INFO" not in done.stderr, done.stderr  # no library start-up logging
    return done


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_upgrade_plans_indicators_admin_annex_gives_86_projects(tmp_path):
    db = tmp_path / "prod.db"
    steps = [
        ("db", "upgrade"),
        ("plans", "load"),
        ("load-indicators",),
        (
            "create-user",
            "--username",
            "chief",
            "--name",
            "系统管理员",
            "--role",
            "admin",
            "--password",
            "Chief#2026x",
        ),
        ("import-annex", "import/major-projects-annex.xlsx"),
    ]
    for step in steps:
        done = _flask(db, *step)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    listing = _flask(db, "plans", "list")
    assert "十四五\t2021–2025\t执行中\t86 个项目" in listing.stdout
    assert _count(db, "projects") == 86 and _count(db, "users") == 1 and _count(db, "indicators") == 25
    assert _count(db, "status_reports") == 0  # no demo reports
    assert _count(db, "funding_sources") == 8  # the standard list, as the demo has


def test_seed_demo_refuses_in_production_and_writes_nothing(tmp_path):
    db = tmp_path / "prod.db"
    done = _flask(db, "seed-demo")
    assert done.returncode != 0
    assert "生产环境" in done.stderr and "未做任何修改" in done.stderr
    assert not db.exists() or db.stat().st_size == 0 or _count_tables(db) == 0


def _count_tables(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
