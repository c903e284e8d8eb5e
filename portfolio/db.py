"""Engine, per-app-context session, declarative Base and the SQLite connection rules."""

import contextvars
import sqlite3
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import orjson
from flask import current_app, g
from sqlalchemy import JSON, MetaData, Numeric, Table, TypeDecorator, create_engine, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from werkzeug.local import LocalProxy

from portfolio import data_version
from portfolio.numbers import MONEY_MAX_WAN, PERCENT_MAX, readable

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15000
OPTIMIZE_EVERY_S = 3600  # how often a pooled SQLite connection runs PRAGMA optimize

# Whether the current unit of work intends to write. SQLite then opens its transaction with
# BEGIN IMMEDIATE, so two writers queue on the lock instead of one silently losing its update.
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def money(value) -> Decimal | None:
    """Normalise an amount in 万元 to an exact Decimal with four places (SQLite sums come back as floats).

    A non-finite or absurd stored amount reads as None, so it cannot take a page or a sheet down."""
    value = readable(value)
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


class GuardedNumeric(TypeDecorator):
    """Numeric that refuses to write a non-finite number and reads one (or an absurd one) as None."""

    impl = Numeric
    cache_ok = True
    HIGH: Decimal | None = None  # the largest magnitude a read may return

    def process_bind_param(self, value, dialect):
        if value is None or (type(value) is Decimal and value.is_finite()):
            return value  # the common case, checked without a conversion (imports bind 100,000 of these)
        if not Decimal(str(value)).is_finite():
            raise ValueError("refusing to store a non-finite number")  # forms and services say why
        return value

    def process_result_value(self, value, dialect):
        return readable(value, self.HIGH)


class MoneyNumeric(GuardedNumeric):
    """An amount in 万元."""

    cache_ok = True
    HIGH = MONEY_MAX_WAN * 1000


class PercentNumeric(GuardedNumeric):
    """A percentage, 0 to 100."""

    cache_ok = True
    HIGH = PERCENT_MAX


def dump_json(value) -> str:
    """JSON columns' text: orjson, compact and in UTF-8 (json.dumps took most of the time of writing an
    import's 10,000 audit entries and baseline rows). Non-string keys become strings, as json.dumps does."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str) -> Engine:
    """Build an engine that keeps the data version; on SQLite turn on WAL, foreign keys and a busy timeout,
    and take over BEGIN."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            json_serializer=dump_json,
            connect_args={
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                "check_same_thread": False,
            },
        )
        _configure_sqlite(engine)
    else:
        engine = create_engine(
            url, json_serializer=dump_json, pool_pre_ping=True, pool_size=10, max_overflow=40
        )
    data_version.watch(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # pysqlite's own transaction handling is off; we emit BEGIN ourselves below.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn, record):
        # A pooled connection lives as long as its worker, so waiting for it to close (below) meant the
        # statistics were never refreshed while serving. SQLite's advice for long-lived connections:
        # PRAGMA optimize now and then. It analyses only the tables whose statistics went stale.
        now = time.monotonic()
        if dbapi_conn is not None and now - record.info.setdefault("optimized_at", now) >= OPTIMIZE_EVERY_S:
            record.info["optimized_at"] = now
            _optimize(dbapi_conn)

    @event.listens_for(engine, "close")
    def _on_close(dbapi_conn, _record):
        # SQLite's advice: let each connection refresh the statistics its queries would have used.
        _optimize(dbapi_conn)


def _optimize(dbapi_conn) -> None:
    try:
        dbapi_conn.execute("PRAGMA optimize")
    except sqlite3.Error:  # a busy or read-only database: the connection must still be returned or closed
        pass


def refresh_statistics(connection) -> None:
    """Give the query planner fresh statistics after a bulk write (ANALYZE, in the writer's transaction).

    Never-analysed SQLite picks the status index over the project-id index for the list page (14 ms
    instead of 1 ms at 10,000 projects); PostgreSQL's autovacuum would get there, but only later.
    """
    connection.exec_driver_sql("ANALYZE")


def insert_rows(connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """INSERT plain tuples (values in `columns` order) by one driver executemany (COPY on PostgreSQL).

    For the bulk writes of an import: no RETURNING and no per-row parameter dicts or compiled-parameter
    handling, which cost more than the database's own insert. Each value still passes its column type's
    bind processor (Decimal to float on SQLite, enums to values, JSON to text), so the rows are what a Core
    insert would write. Python-side column defaults are not applied: pass every column that has one.
    """
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return 0
    copying = dialect.driver == "psycopg"
    processors = {
        i: process
        for i, name in enumerate(columns)
        if (process := _bind_processor(table.c[name].type, dialect, copying)) is not None
    }
    if processors:  # column by column: one pass per processed column, not a loop per row
        by_column = list(zip(*rows, strict=True))
        for i, process in processors.items():
            by_column[i] = _processed(by_column[i], process)
        rows = list(zip(*by_column, strict=True))
    names = ", ".join(quote(c) for c in columns)
    if copying:
        if table.name not in data_version.APART:  # COPY passes no SQLAlchemy event
            data_version.mark(connection)
        _copy_rows(connection, f"COPY {quote(table.name)} ({names}) FROM STDIN", rows)
    else:
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join([mark] * len(columns))})"
        connection.exec_driver_sql(sql, rows)
    return len(rows)


def _bind_processor(column_type, dialect, copying: bool):
    """A column type's bind processor; for COPY, JSON goes as its text (what psycopg's Json wrapper would
    send, without a wrapper object and an adapter lookup per value). None is JSON null, as a Core insert
    writes it."""
    if copying and isinstance(column_type, JSON):
        return dump_json
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _processed(values: Sequence, process) -> list:
    """A column's values through its bind processor, each distinct value once when most repeat: a batch's
    timestamps, statuses and flags are one value, its months a few dozen (SQLite formats every date and
    time in Python). Unhashable values (JSON) are each processed."""
    try:
        distinct = set(values)
    except TypeError:
        return list(map(process, values))
    if len(distinct) * 2 > len(values):
        return list(map(process, values))
    memo = {v: process(v) for v in distinct}
    return list(map(memo.__getitem__, values))


def _copy_rows(connection, sql: str, rows: list[tuple]) -> None:
    """PostgreSQL: COPY FROM STDIN on the connection, in its transaction. psycopg's executemany sends
    each row as its own statement (most of a 10,000-project import's CPU time); COPY streams them."""
    error = connection.dialect.loaded_dbapi.Error
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    except error as e:  # raised as SQLAlchemy raises driver errors (IntegrityError, …)
        raise DBAPIError.instance(sql, None, e, error) from e


def init_app(app) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc):
        s = g.pop("db_session", None)
        if s is not None:
            s.close()


def _current_session() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def active_session() -> Session | None:
    """The current app context's session if one was opened, without opening one."""
    return g.get("db_session")


# The session of the current app context: one per request or CLI command.
session: Session = LocalProxy(_current_session)  # type: ignore[assignment]


def engine() -> Engine:
    return current_app.extensions["db_engine"]


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry the Chinese label users see; the English value is stored."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def from_label(cls, text: str):
        """Find a member by its Chinese label or its value; None when nothing matches."""
        text = (text or "").strip()
        for m in cls:
            if text in (m.label, m.value):
                return m
        return None


def enum_column(enum_cls: type[LabelledEnum], name: str | None = None) -> SAEnum:
    """A VARCHAR column with a CHECK constraint holding the enum's English values.

    A table with two columns of one enum passes a name for each: PostgreSQL wants distinct constraint names.
    """
    return SAEnum(
        enum_cls,
        native_enum=False,
        length=24,
        create_constraint=True,
        values_callable=lambda e: [m.value for m in e],
        name=name or f"{enum_cls.__name__.lower()}_values",
        validate_strings=True,
    )


def utcnow() -> datetime:
    """Naive UTC: every *_at column holds UTC, whatever the database server's time zone."""
    return datetime.now(UTC).replace(tzinfo=None)
