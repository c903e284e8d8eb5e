"""Load benchmark: gunicorn (2 sync workers) under wrk (16 connections) on loopback, each page beside a bare
endpoint measured in the same run.

    .venv/bin/python -m benchmarks.bench_load [--projects 86 10000] [--seconds 10] [--runs 1]

Needs wrk (Debian: apt-get install wrk). Seeds each size as bench_inprocess does (projects with four quarters
of approved reports for half of them, a mid-term round, statistics refreshed), starts gunicorn on
127.0.0.1, and prints req/s, p50 and p95 per page, with each page's p50 and req/s as a ratio of the bare
endpoint's. With several runs, each figure is the median of the runs. Every wrk run is bounded by
--seconds; gunicorn is stopped at the end. DATABASE_URL may name a PostgreSQL database (dropped and rebuilt).
"""

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.bench_inprocess import seed
from benchmarks.bench_pages import _database_url
from portfolio import create_app
from portfolio.config import ROOT
from portfolio.db import session
from tests.factories import login_as

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %.3f %d %d %d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(95), summary.errors.status))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cookie(app, user) -> str:
    client = app.test_client()
    with app.app_context():  # a login writes its session row
        login_as(client, session.merge(user))
    cookie = client.get_cookie("session")
    return f"session={cookie.value}"


def _start_gunicorn(url: str, port: int, today) -> subprocess.Popen:
    env = dict(os.environ, BENCH_DATABASE_URL=url, BENCH_TODAY=today.isoformat() if today else "")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "2",
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--config",
            str(ROOT / "gunicorn.conf.py"),  # the served app's own settings, as in production
            "benchmarks.load_app:create()",
        ],
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench-bare", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def _status(port: int, path: str, cookie: str) -> int:
    """The page's own status (a redirect to the login page is not a success)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        return conn.getresponse().status
    finally:
        conn.close()


def _wrk(port: int, path: str, cookie: str, seconds: int, script: str) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p95 ms, non-2xx/3xx count) of one bounded wrk run with 16 connections."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            script,
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    found = re.search(r"BENCH (\d+) ([\d.]+) (\d+) (\d+) (\d+)", out)
    requests, duration, p50, p95, errors = found.groups()
    return int(requests) / float(duration), int(p50) / 1000, int(p95) / 1000, int(errors)


def _median_runs(port, path, cookie, seconds, script, runs) -> tuple:
    results = [_wrk(port, path, cookie, seconds, script) for _ in range(runs)]
    return (*tuple(statistics.median(r[i] for r in results) for i in range(3)), sum(r[3] for r in results))


def bench_size(url: str, projects: int, seconds: int, runs: int, script: str, open_period: bool) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-load", "WTF_CSRF_ENABLED": False})
    world = seed(app, projects, open_period=open_period)
    app.extensions["db_engine"].dispose()
    cookies = {name: _cookie(app, user) for name, user in world["users"].items()}
    port = _free_port()
    server = _start_gunicorn(url, port, world["today"])
    try:
        bare = _median_runs(port, "/bench-bare", cookies["planner"], seconds, script, runs)
        print(f"\n{projects} projects, {url.split(':')[0]}: {runs} run(s) of {seconds} s per page")
        print(f"{'page':<20}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p50 × bare':>12}", end="")
        print(f"{'bare/page req/s':>17}{'errors':>8}")
        print(f"{'bare endpoint':<20}{bare[0]:>9.0f}{bare[1]:>9.1f}{bare[2]:>9.1f}{1:>12.0f}", end="")
        print(f"{1:>17.0f}{bare[3]:>8}")
        for who, label, path in world["pages"]:
            status = _status(port, path, cookies[who])
            if status != 200:
                print(f"{label:<20}{'answers ' + str(status) + ': not measured':>40}")
                continue
            rps, p50, p95, errors = _median_runs(port, path, cookies[who], seconds, script, runs)
            if not rps:
                print(f"{label:<20}{'no request finished within the run':>40}")
                continue
            ratio = p50 / bare[1] if bare[1] else float("nan")
            print(
                f"{label:<20}{rps:>9.1f}{p50:>9.1f}{p95:>9.1f}{ratio:>12.0f}{bare[0] / rps:>17.0f}{errors:>8}"
            )
        again = _median_runs(port, "/bench-bare", cookies["planner"], seconds, script, 1)
        print(f"{'bare endpoint again':<20}{again[0]:>9.0f}{again[1]:>9.1f}{again[2]:>9.1f}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, nargs="+", default=[86, 10_000])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--open-period", action="store_true", help="today inside the last period")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        script = str(Path(tmp) / "p95.lua")
        Path(script).write_text(LUA)
        for n in args.projects:
            os.makedirs(f"{tmp}/{n}", exist_ok=True)
            bench_size(_database_url(f"{tmp}/{n}"), n, args.seconds, args.runs, script, args.open_period)


if __name__ == "__main__":
    main()
