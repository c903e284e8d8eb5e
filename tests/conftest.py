"""Shared fixtures: an app per test on a clean database whose schema the migrations built.

SQLite (default): the migrations run once into a template file, copied for each test.
PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://…): the migrations run once, and each test
starts from emptied tables with the reference data restored from a snapshot schema.
"""

import functools
import os
import shutil
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import text

from portfolio import create_app, schema
from portfolio.db import Base, make_engine
from tests.factories import login_as, make_user, seed_reference

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _memoise_url_builders():
    """Build each distinct URL rule's builder once per test run instead of once per app.

    Werkzeug generates and compiles Python source for every rule's URL builder whenever an app registers
    its blueprints: about 70 ms an app, and the suite makes one app per test (well over a minute a run).
    The generated function depends only on the rule's parsed trace, its defaults and append_unknown, and
    is bound to the rule afterwards, so one compiled function serves every app's copy of that rule.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    built = {}

    def memoised(self, append_unknown=True):
        converters = tuple((name, type(c).__name__) for name, c in self._converters.items())
        key = (tuple(self._trace), converters, repr(sorted((self.defaults or {}).items())), append_unknown)
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    Rule._compile_builder = memoised


_memoise_url_builders()


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL.rsplit('@', 1)[-1] if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> str:
    """A database URL whose schema the migrations have just built."""
    if PG_URL:
        engine = make_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {_PG_SNAPSHOT} CASCADE"))
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        schema.upgrade(engine)
        _seed(PG_URL)
        # A copy of each seeded table, restored at the start of every test (see database_url).
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {_PG_SNAPSHOT}"))
            for table in Base.metadata.sorted_tables:
                if conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table.name})")).scalar():
                    conn.execute(text(f"CREATE TABLE {_PG_SNAPSHOT}.{table.name} AS TABLE {table.name}"))
                    _pg_seeded.append(table.name)
        engine.dispose()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    engine.dispose()
    _seed(f"sqlite:///{path}")
    return str(path)


# The reference data (locations, the 14th plan, funding sources) is written once into the template,
# so a test's database starts with it and the app fixture's seed_reference finds it all present.
_PG_SNAPSHOT = "test_reference"
_pg_seeded: list[str] = []


def _seed(url: str) -> None:
    seeder = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "seed"})
    with seeder.app_context():
        from portfolio.db import session

        seed_reference()
        session.commit()
    seeder.extensions["db_engine"].dispose()


@functools.cache
def _pg_engine():
    return make_engine(PG_URL)


def _share_the_pg_engine():
    """On PostgreSQL every app of the run uses one engine, so its pool and dialect set-up are paid once."""
    import portfolio.db

    build = portfolio.db.make_engine
    portfolio.db.make_engine = lambda url: _pg_engine() if url == PG_URL else build(url)


if PG_URL:
    _share_the_pg_engine()


@pytest.fixture
def database_url(migrated_template, tmp_path) -> str:
    if PG_URL:
        # DELETE, children first: on tables this small it is many times faster than TRUNCATE, whose
        # per-table file swaps cost most of a second per test. Ids keep counting; no test relies on them.
        with _pg_engine().begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
            for name in _pg_seeded:
                conn.execute(text(f"INSERT INTO {name} SELECT * FROM {_PG_SNAPSHOT}.{name}"))
        return PG_URL
    target = tmp_path / "test.db"
    shutil.copyfile(migrated_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_CHEAP": True,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "SEED_ANNEX": str(
                Path(__file__).resolve().parent.parent / "import" / "major-projects-annex.xlsx"
            ),
        }
    )

    @app.before_request
    def _forget_loaded_user():
        # Test requests share this fixture's app context, so Flask-Login's g._login_user would
        # otherwise outlive a request: two clients would see one user and a stale cookie pass.
        g.pop("_login_user", None)

    with app.app_context():
        seed_reference()
        from portfolio.db import session

        session.commit()
        yield app
    if not PG_URL:  # the shared PostgreSQL engine keeps its pool for the next test
        app.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(app) -> dict:
    """One account per role, plus two county officers in different counties."""
    from portfolio.db import session

    made = {
        "admin": make_user("admin", "admin"),
        "planner": make_user("planner", "planner"),
        "reviewer": make_user("reviewer", "reviewer"),
        "officer": make_user("officer", "county_officer", county="温县"),
        "other_officer": make_user("other_officer", "county_officer", county="孟州市"),
    }
    session.commit()
    return made


@pytest.fixture
def role_client(app, users):
    """role_client("planner") → a test client logged in as that role's user."""

    def make(role: str):
        c = app.test_client()
        login_as(c, users[role])
        return c

    return make
