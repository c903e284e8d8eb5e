"""Write a backup: every table read in one snapshot, the uploaded files, and the manifest."""

import hashlib
import json
import os
import zipfile
from contextlib import contextmanager
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine

from portfolio import models  # noqa: F401  (every table is in Base.metadata)
from portfolio.backup.archive import MANIFEST, BackupRefused, Manifest
from portfolio.backup.codec import encode
from portfolio.db import Base, utcnow, write_intent
from portfolio.schema import is_current

# Previews of annex uploads waiting for confirmation: temporary, not part of the record.
SKIPPED_DIRS = {"annex-staging"}


def create_backup(engine: Engine, upload_dir: Path, output: Path) -> Manifest:
    """Write one archive of the database and its attachments, read as a single consistent snapshot."""
    if not is_current(engine):
        raise BackupRefused("数据库结构不是最新，请先运行 db upgrade 再备份。")
    partial = output.with_name(output.name + ".partial")
    with (
        _snapshot(engine) as conn,
        zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf,
    ):
        revision = MigrationContext.configure(conn).get_current_revision()
        tables, files = {}, {}
        for table in Base.metadata.sorted_tables:
            tables[table.name], files[f"tables/{table.name}.jsonl"] = _write_table(zf, conn, table)
        files.update(_write_files(zf, upload_dir))
        manifest = Manifest(
            revision, utcnow().isoformat(timespec="seconds"), engine.dialect.name, tables, files
        )
        zf.writestr(MANIFEST, json.dumps(manifest.to_json(), ensure_ascii=False, indent=1))
    os.replace(partial, output)  # a half-written archive never carries the final name
    return manifest


@contextmanager
def _snapshot(engine: Engine):
    """One read transaction: REPEATABLE READ on PostgreSQL; on SQLite (WAL) a deferred BEGIN, so that
    writers keep working while every SELECT sees the same moment."""
    token = write_intent.set(False)
    try:
        if engine.dialect.name == "postgresql":
            options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
            with engine.connect().execution_options(**options) as conn, conn.begin():
                yield conn
        else:
            with engine.connect() as conn, conn.begin():
                yield conn
    finally:
        write_intent.reset(token)


def _write_table(zf: zipfile.ZipFile, conn: Connection, table) -> tuple[int, str]:
    digest, count = hashlib.sha256(), 0
    names = [c.name for c in table.columns]
    query = table.select().order_by(*table.primary_key.columns)
    with zf.open(f"tables/{table.name}.jsonl", "w") as out:
        for row in conn.execute(query).yield_per(2000):
            line = json.dumps({n: encode(v) for n, v in zip(names, row, strict=True)}, ensure_ascii=False)
            data = (line + "\n").encode("utf-8")
            digest.update(data)
            out.write(data)
            count += 1
    return count, digest.hexdigest()


def _write_files(zf: zipfile.ZipFile, upload_dir: Path) -> dict[str, str]:
    files = {}
    if not upload_dir.is_dir():
        return files
    for path in sorted(upload_dir.rglob("*")):
        rel = path.relative_to(upload_dir)
        if not path.is_file() or rel.parts[0] in SKIPPED_DIRS:
            continue
        data = path.read_bytes()
        name = f"files/{rel.as_posix()}"
        zf.writestr(name, data)
        files[name] = hashlib.sha256(data).hexdigest()
    return files
