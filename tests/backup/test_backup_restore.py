"""Backup → restore of the demo data: every table row for row and every attachment byte for byte."""

import shutil
import zipfile

import pytest
from sqlalchemy import func, insert, inspect, select

from portfolio.db import make_engine
from portfolio.projects.models import Plan
from tests.backup.helpers import (
    PG_URL,
    app_on,
    drop_pg_schema,
    file_digests,
    pg_schema_url,
    seed_demo_into,
    table_rows,
)

needs_pg = pytest.mark.skipif(not PG_URL, reason="PostgreSQL: set TEST_DATABASE_URL")


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory):
    """The demo on a SQLite file, built once for the module (tests copy it)."""
    folder = tmp_path_factory.mktemp("demo")
    seed_demo_into(f"sqlite:///{folder / 'demo.db'}", folder / "uploads")
    return folder


def _cli(url: str, upload_dir, *args):
    app = app_on(url, upload_dir)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
    app.extensions["db_engine"].dispose()
    return result


def _backup(url, upload_dir, archive):
    result = _cli(url, upload_dir, "backup", "--output", str(archive))
    assert result.exit_code == 0, result.output
    assert "已备份到" in result.output
    return archive


def _assert_same(source_url, source_files, target_url, target_files):
    before, after = table_rows(source_url), table_rows(target_url)
    assert before.keys() == after.keys()
    for table in before:
        assert after[table] == before[table], table
    assert sum(len(r) for r in before.values()) > 1000 and len(before["projects"]) == 86
    assert file_digests(target_files) == file_digests(source_files) and len(file_digests(source_files)) == 2


def test_sqlite_to_sqlite(demo_sqlite, tmp_path):
    source = f"sqlite:///{demo_sqlite / 'demo.db'}"
    archive = _backup(source, demo_sqlite / "uploads", tmp_path / "nightly.zip")
    with zipfile.ZipFile(archive) as zf:
        assert "manifest.json" in zf.namelist() and "files/2025/报告.pdf" in zf.namelist()
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    result = _cli(target, tmp_path / "restored-uploads", "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "UTC" not in result.output and "校验" in result.output
    _assert_same(source, demo_sqlite / "uploads", target, tmp_path / "restored-uploads")


@needs_pg
def test_sqlite_to_postgresql_resets_sequences(demo_sqlite, tmp_path):
    source = f"sqlite:///{demo_sqlite / 'demo.db'}"
    archive = _backup(source, demo_sqlite / "uploads", tmp_path / "pilot.zip")
    target, name = pg_schema_url()
    try:
        result = _cli(target, tmp_path / "pg-uploads", "restore", str(archive))
        assert result.exit_code == 0, result.output
        _assert_same(source, demo_sqlite / "uploads", target, tmp_path / "pg-uploads")
        engine = make_engine(target)
        with engine.begin() as conn:
            top = conn.scalar(select(func.max(Plan.id)))
            new_id = conn.execute(
                insert(Plan).values(name="新规划", short_name="十五五", start_year=2026, end_year=2030)
            ).inserted_primary_key[0]
        engine.dispose()
        assert new_id > top
    finally:
        drop_pg_schema(name)


@needs_pg
def test_postgresql_to_sqlite(tmp_path):
    source, name = pg_schema_url()
    try:
        seed_demo_into(source, tmp_path / "pg-uploads")
        archive = _backup(source, tmp_path / "pg-uploads", tmp_path / "prod.zip")
        target = f"sqlite:///{tmp_path / 'back.db'}"
        result = _cli(target, tmp_path / "back-uploads", "restore", str(archive))
        assert result.exit_code == 0, result.output
        _assert_same(source, tmp_path / "pg-uploads", target, tmp_path / "back-uploads")
    finally:
        drop_pg_schema(name)


def _refused(tmp_path, archive, message):
    target_db = tmp_path / "target.db"
    result = _cli(f"sqlite:///{target_db}", tmp_path / "target-uploads", "restore", str(archive))
    assert result.exit_code != 0 and message in result.output, result.output
    assert "未做任何修改" in result.output
    engine = make_engine(f"sqlite:///{target_db}")
    assert inspect(engine).get_table_names() == []  # nothing written, not even the schema
    engine.dispose()
    assert file_digests(tmp_path / "target-uploads") == {}


@pytest.fixture(scope="module")
def demo_archive(demo_sqlite, tmp_path_factory):
    return _backup(
        f"sqlite:///{demo_sqlite / 'demo.db'}",
        demo_sqlite / "uploads",
        tmp_path_factory.mktemp("a") / "b.zip",
    )


def test_a_truncated_archive_is_refused(demo_archive, tmp_path):
    cut = tmp_path / "cut.zip"
    cut.write_bytes(demo_archive.read_bytes()[: demo_archive.stat().st_size // 2])
    _refused(tmp_path, cut, "损坏或不完整")


def test_a_corrupted_member_is_refused_by_its_checksum(demo_archive, tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(demo_archive) as src, zipfile.ZipFile(bad, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "tables/projects.jsonl":
                data = data.replace("污水".encode(), "清水".encode(), 1)
            out.writestr(item, data)
    _refused(tmp_path, bad, "校验值（sha256）不符")


def test_flipped_bytes_are_refused(demo_archive, tmp_path):
    raw = bytearray(demo_archive.read_bytes())
    for i in range(2000, 2040):
        raw[i] ^= 0xFF
    flipped = tmp_path / "flipped.zip"
    flipped.write_bytes(bytes(raw))
    _refused(tmp_path, flipped, "损坏")


def test_a_backup_from_a_newer_schema_is_refused(demo_archive, tmp_path):
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(demo_archive) as src, zipfile.ZipFile(newer, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "manifest.json":
                import json

                manifest = json.loads(data)
                manifest["schema_revision"] = "9901"
                data = json.dumps(manifest).encode()
            out.writestr(item, data)
    _refused(tmp_path, newer, "更新版本的系统")


def test_restoring_over_data_is_refused(demo_sqlite, demo_archive, tmp_path):
    copy = tmp_path / "live.db"
    shutil.copyfile(demo_sqlite / "demo.db", copy)
    before = table_rows(f"sqlite:///{copy}")
    result = _cli(f"sqlite:///{copy}", tmp_path / "live-uploads", "restore", str(demo_archive))
    assert result.exit_code != 0 and "目标数据库已有数据" in result.output
    assert table_rows(f"sqlite:///{copy}") == before
