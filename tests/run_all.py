"""Run every test: the whole suite on SQLite and, when TEST_DATABASE_URL names one, again on PostgreSQL.

The two runs go side by side, each in its own process with its own database, so the suite takes about as
long as the slower run rather than the sum of both. Each run's output is kept in a file and printed whole
when that run ends, so the two never interleave.
The browser tests run once, on SQLite: they exercise the pages, not the database dialect.
Exit status is non-zero when any run fails.
"""

import os
import subprocess
import sys
import tempfile
import time


def main() -> int:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    runs = [("SQLite", env, [])]
    pg_url = os.environ.get("TEST_DATABASE_URL", "")
    if pg_url:
        runs.append(("PostgreSQL", {**env, "TEST_DATABASE_URL": pg_url}, ["-m", "not browser"]))
    else:
        print("TEST_DATABASE_URL 未设置：跳过 PostgreSQL 测试（.ci/run 会安装并启动 PostgreSQL）。")
    started = time.monotonic()
    running = []
    for name, run_env, extra in runs:
        log = tempfile.TemporaryFile()
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *extra, *sys.argv[1:]]
        process = subprocess.Popen(command, env=run_env, stdout=log, stderr=subprocess.STDOUT)
        running.append((name, process, log))
    print(f"running the suite on {', '.join(name for name, _, _ in running)} side by side…", flush=True)
    failed = []
    while running:
        for entry in list(running):
            name, process, log = entry
            if process.poll() is None:
                continue
            running.remove(entry)
            log.seek(0)
            print(f"\n=== tests on {name} ({time.monotonic() - started:.0f} s) ===", flush=True)
            sys.stdout.buffer.write(log.read())
            sys.stdout.flush()
            log.close()
            if process.returncode != 0:
                failed.append(name)
        time.sleep(0.5)
    if failed:
        print(f"failed on: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
