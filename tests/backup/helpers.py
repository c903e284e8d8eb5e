"""Databases for the backup tests: demo data on SQLite files or in PostgreSQL schemas of the test database."""

import hashlib
import os
import uuid
from pathlib import Path

from sqlalchemy import select, text

from portfolio import create_app, data_version, schema
from portfolio.db import Base, make_engine

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def app_on(url: str, upload_dir: Path):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_CHEAP": True,
            "UPLOAD_DIR": str(upload_dir),
        }
    )


def pg_schema_url() -> tuple[str, str]:
    """A fresh, empty schema in the PostgreSQL test database, and a URL whose search_path is that schema."""
    name = f"restore_{uuid.uuid4().hex[:10]}"
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    engine.dispose()
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{name}", name


def drop_pg_schema(name: str) -> None:
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
    engine.dispose()


def seed_demo_into(url: str, upload_dir: Path) -> None:
    """The README demo, plus two attachment files (one binary, one in a sub-folder)."""
    app = app_on(url, upload_dir)
    with app.app_context():
        from portfolio.db import engine, session
        from portfolio.demo import seed_demo

        schema.upgrade(engine())
        list(seed_demo(app.config))
        session.commit()
    engine_ = app.extensions["db_engine"]
    engine_.dispose()
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / "a1b2c3.png").write_bytes(bytes(range(256)) * 40)
    (upload_dir / "2025" / "报告.pdf").parent.mkdir(exist_ok=True)
    (upload_dir / "2025" / "报告.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(5000))


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every table of the schema, row by row in primary-key order, as the app's types read them (but the
    data version)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }
    # The data version is no data: a restore replaces it when it commits, as every write does.
    rows["settings"] = [r for r in rows["settings"] if r[0] != data_version.KEY]
    engine.dispose()
    return rows


def file_digests(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }
