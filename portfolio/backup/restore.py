"""Restore a backup into an empty database: check first, then schema, rows and sequences in one go."""

import json
import shutil
import zipfile
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine

from portfolio import models  # noqa: F401  (every table is in Base.metadata)
from portfolio.backup.archive import BackupRefused, Manifest, verify_archive
from portfolio.backup.codec import decoder
from portfolio.backup.dump import SKIPPED_DIRS
from portfolio.db import Base
from portfolio.schema import alembic_config

BATCH = 1000


def restore_backup(engine: Engine, upload_dir: Path, path: Path) -> Manifest:
    """Check the archive and the target, then restore everything or nothing."""
    manifest = verify_archive(path)
    _require_known_revision(engine, manifest.revision)
    _require_empty(engine, upload_dir)
    staged = upload_dir.with_name(upload_dir.name + ".restoring")
    shutil.rmtree(staged, ignore_errors=True)
    try:
        with zipfile.ZipFile(path) as zf:
            _extract_files(zf, manifest, staged)
            with engine.begin() as conn:  # schema, rows, migrations and sequences: one transaction
                _migrate(conn, manifest.revision)
                _load_tables(conn, zf, manifest)
                command.upgrade(alembic_config(str(engine.url), conn), "head")
                if conn.dialect.name == "postgresql":
                    _reset_sequences(conn)
        _move_files(staged, upload_dir)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return manifest


def _require_known_revision(engine: Engine, revision: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    try:
        known = script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupRefused(
            f"备份来自更新版本的系统（数据库结构版本 {revision}），本程序无法识别。"
            "请先升级程序再恢复，未做任何修改。"
        )


def _require_empty(engine: Engine, upload_dir: Path) -> None:
    with engine.connect() as conn:
        for name in sa.inspect(conn).get_table_names():
            if name == "alembic_version":
                continue
            table = sa.table(name)
            if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                raise BackupRefused(
                    f"目标数据库已有数据（表 {name} 非空）。恢复只能写入空数据库，未做任何修改。"
                )
    if upload_dir.is_dir() and any(
        p.is_file() and p.relative_to(upload_dir).parts[0] not in SKIPPED_DIRS for p in upload_dir.rglob("*")
    ):
        raise BackupRefused(f"附件目录 {upload_dir} 中已有文件。恢复只能写入空目录，未做任何修改。")


def _migrate(conn: Connection, revision: str) -> None:
    """Bring the empty schema to the backup's revision, up or down, so the rows fit as they were taken."""
    current = MigrationContext.configure(conn).get_current_revision()
    if current == revision:
        return
    cfg = alembic_config(str(conn.engine.url), conn)
    below = current and revision in {
        r.revision for r in ScriptDirectory.from_config(cfg).iterate_revisions(current, "base")
    }
    (command.downgrade if below else command.upgrade)(cfg, revision)


def _load_tables(conn: Connection, zf: zipfile.ZipFile, manifest: Manifest) -> None:
    metadata = sa.MetaData()
    metadata.reflect(conn)
    unknown = sorted(set(manifest.tables) - set(metadata.tables))
    if unknown:
        raise BackupRefused(
            f"备份中的表 {'、'.join(unknown)} 在数据库结构 {manifest.revision} 中不存在，未做任何修改。"
        )
    for table in metadata.sorted_tables:
        if table.name in manifest.tables:
            loaded = _load_table(conn, zf, table)
            if loaded != manifest.tables[table.name]:
                raise BackupRefused(f"表 {table.name} 的行数与清单不符，备份文件已损坏，未做任何修改。")


def _load_table(conn: Connection, zf: zipfile.ZipFile, table: sa.Table) -> int:
    for column in table.columns:
        if isinstance(column.type, sa.JSON):
            column.type = sa.JSON(none_as_null=True)  # an absent value stays SQL NULL
    decoders = {c.name: d for c in table.columns if (d := decoder(c.type))}
    batch, count = [], 0
    with zf.open(f"tables/{table.name}.jsonl") as f:
        for line in f:
            row = json.loads(line)
            for name, decode in decoders.items():
                if row.get(name) is not None:
                    row[name] = decode(row[name])
            batch.append(row)
            if len(batch) == BATCH:
                conn.execute(table.insert(), batch)
                count, batch = count + len(batch), []
    if batch:
        conn.execute(table.insert(), batch)
    return count + len(batch)


def _reset_sequences(conn: Connection) -> None:
    """New rows after a restore get fresh ids: each serial sequence continues after the largest id."""
    quote = conn.dialect.identifier_preparer.quote
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        seq = conn.scalar(
            sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
        )
        if seq:
            top = f"SELECT COALESCE(MAX({quote(pk[0].name)}), 0) + 1 FROM {quote(table.name)}"
            conn.execute(sa.text(f"SELECT setval(:s, ({top}), false)"), {"s": seq})


def _extract_files(zf: zipfile.ZipFile, manifest: Manifest, staged: Path) -> None:
    for name in manifest.files:
        if not name.startswith("files/"):
            continue
        rel = Path(name.removeprefix("files/"))
        if rel.is_absolute() or ".." in rel.parts:
            raise BackupRefused(f"备份中的文件名 {name} 不安全，未做任何修改。")
        target = staged / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(name) as src, target.open("wb") as out:
            shutil.copyfileobj(src, out)


def _move_files(staged: Path, upload_dir: Path) -> None:
    if not staged.is_dir():
        return
    for path in sorted(staged.rglob("*")):
        if path.is_file():
            target = upload_dir / path.relative_to(staged)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
