"""SQLite's planner statistics stay fresh while a pooled connection serves: PRAGMA optimize now and then."""

import pytest
from sqlalchemy import text

from portfolio import db


@pytest.mark.parametrize("due", [True, False])
def test_a_pooled_connection_refreshes_stale_statistics_once_an_hour(tmp_path, monkeypatch, due):
    clock = [1000.0]
    monkeypatch.setattr(db.time, "monotonic", lambda: clock[0])
    engine = db.make_engine(f"sqlite:///{tmp_path / 'stats.db'}")
    with engine.begin() as conn:  # the pooled connection's first use: its clock starts
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER)"))
        conn.execute(text("CREATE INDEX ix_t_k ON t (k)"))
        conn.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                "INSERT INTO t (k) SELECT i % 7 FROM n"
            )
        )
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM t WHERE k = 3")).scalar()
    clock[0] += db.OPTIMIZE_EVERY_S if due else db.OPTIMIZE_EVERY_S - 1
    with engine.connect() as conn:  # the same pooled connection, checked in again an hour later (or not)
        conn.execute(text("SELECT count(*) FROM t WHERE k = 3")).scalar()
    with engine.connect() as conn:
        analysed = conn.execute(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        ).scalar()
        rows = conn.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar() if analysed else 0
    engine.dispose()
    assert (rows > 0) is due
