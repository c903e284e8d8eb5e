"""Run every test: the whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL names one.

The browser tests run once, on SQLite: they exercise the pages, not the database dialect.
Exit status is non-zero when any run fails.
"""

import os
import subprocess
import sys


def main() -> int:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    runs = [("SQLite", env, [])]
    pg_url = os.environ.get("TEST_DATABASE_URL", "")
    if pg_url:
        runs.append(("PostgreSQL", {**env, "TEST_DATABASE_URL": pg_url}, ["-m", "not browser"]))
    else:
        print("TEST_DATABASE_URL 未设置：跳过 PostgreSQL 测试（.ci/run 会安装并启动 PostgreSQL）。")
    failed = []
    for name, run_env, extra in runs:
        print(f"\n=== tests on {name} ===", flush=True)
        code = subprocess.call([sys.executable, "-m", "pytest", *extra, *sys.argv[1:]], env=run_env)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed on: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
