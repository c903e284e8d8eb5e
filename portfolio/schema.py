"""Alembic, driven from the app: the one way any database reaches the current schema."""

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from portfolio.config import ROOT


def alembic_config(url: str, connection=None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine, revision: str = "head") -> None:
    """Bring the database behind the engine to the given revision."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(str(engine.url), conn), revision)


def downgrade(engine, revision: str) -> None:
    with engine.begin() as conn:
        command.downgrade(alembic_config(str(engine.url), conn), revision)


def is_current(engine) -> bool:
    """True when the database is at the newest revision."""
    heads = set(ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads
