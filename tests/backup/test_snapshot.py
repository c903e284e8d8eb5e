"""A backup is one moment of the register: rows written while it runs are not half in it."""

import json
import zipfile
from pathlib import Path

from sqlalchemy import insert

from portfolio.audit.models import AuditEntry
from portfolio.backup import dump
from portfolio.db import make_engine
from portfolio.projects.models import Plan
from tests.factories import make_project


def test_rows_written_during_a_backup_are_not_in_it(app, tmp_path, monkeypatch):
    from portfolio.db import session

    make_project(name="备份前的项目")
    session.commit()
    writer = make_engine(app.config["DATABASE_URL"])
    original, written = dump._write_table, []

    def write_then_interfere(zf, conn, table):
        result = original(zf, conn, table)
        if not written:  # after the first table: another connection commits rows in two other tables
            with writer.begin() as other:
                other.execute(
                    insert(Plan).values(
                        name="并发新增规划", short_name="并发", start_year=2026, end_year=2030
                    )
                )
                other.execute(
                    insert(AuditEntry).values(action="user.create", entity_type="User", entity_id=1)
                )
            written.append(table.name)
        return result

    monkeypatch.setattr(dump, "_write_table", write_then_interfere)
    manifest = dump.create_backup(
        app.extensions["db_engine"], Path(app.config["UPLOAD_DIR"]), tmp_path / "b.zip"
    )
    writer.dispose()
    assert written and written[0] != "audit_entries" and manifest.tables["plans"] == 1
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        plans = [json.loads(line) for line in zf.read("tables/plans.jsonl").decode().splitlines()]
        audit = zf.read("tables/audit_entries.jsonl").decode()
    assert [p["short_name"] for p in plans] == ["十四五"] and "并发" not in audit
