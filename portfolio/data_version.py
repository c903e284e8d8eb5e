"""A data version: a token that every committed write replaces, so that figures computed from the data can be
remembered in-process and reused until anything is written (the summary's and the dashboard's aggregates).

The app's engine is watched (`watch`): every statement that may change data (anything but a read, except a
write to the tables of login sessions, login failures and the audit trail, which no figure reads) marks its
connection. When that connection commits, a fresh random token is written to the settings row
`data_version` in the same transaction (the commit event fires before the database commits), so the token
and the data it stands for become visible together. Writes that bypass SQLAlchemy's execution (COPY) call
`mark`. A random token rather than a counter: no read-modify-write, and two writers never leave one version.

A reader reads the token before the data (PostgreSQL: the data comes from a later snapshot, never an older
one; SQLite: from the same snapshot), so what is remembered under a token is never older than it. A
connection holding writes of its own that are not committed neither reads nor fills the memo. Each process
(each gunicorn worker) keeps its own memo; the token check makes it correct across them.
"""

import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import event

KEY = "data_version"
APART = frozenset({"user_sessions", "login_failures", "audit_entries"})
MEMO_SIZE = 256
_MARK = "data_version.written"
_TOKEN = "data_version.token"
_READS = re.compile(
    r"\s*(SELECT|PRAGMA|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SHOW|SET|EXPLAIN|ANALYZE)\b", re.I
)
_WITH = re.compile(r"\s*WITH\b", re.I)
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.I)
_TARGET = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.I)
_READ_TOKEN = f"SELECT value FROM settings WHERE key = '{KEY}'"
_BUMP = (
    "INSERT INTO settings (key, value, updated_at) VALUES ('" + KEY + "', '\"{token}\"', CURRENT_TIMESTAMP) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
)
_MISSING = object()
_memo: OrderedDict = OrderedDict()
_lock = threading.Lock()


def watch(engine) -> None:
    """Keep the data version of this engine's database: mark writes, replace the token when they commit."""
    event.listen(engine, "before_cursor_execute", _note)
    event.listen(engine, "commit", _bump)
    event.listen(engine, "rollback", _forget)
    event.listen(engine, "checkin", lambda _dbapi, record: _clear(record.info))


def mark(connection) -> None:
    """This connection has written data by a path SQLAlchemy does not see (COPY)."""
    connection.info[_MARK] = True
    connection.info.pop(_TOKEN, None)


def writes(statement: str) -> bool:
    """Whether a statement may change data any figure reads."""
    if _READS.match(statement) or (_WITH.match(statement) and not _WRITES.search(statement)):
        return False
    target = _TARGET.match(statement)
    return not (target and target.group(1).lower() in APART)


def _note(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if not conn.info.get(_MARK) and writes(statement):
        mark(conn)


def _bump(conn) -> None:
    written = conn.info.pop(_MARK, False)
    conn.info.pop(_TOKEN, None)
    if not written:
        return
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute("SAVEPOINT data_version")
        try:
            cursor.execute(_BUMP.format(token=uuid.uuid4().hex))
        except Exception as error:
            cursor.execute("ROLLBACK TO SAVEPOINT data_version")
            if not _no_settings_table(error):
                raise
        cursor.execute("RELEASE SAVEPOINT data_version")
    finally:
        cursor.close()


def _no_settings_table(error: Exception) -> bool:
    # Only while the schema is being built or dropped (migrations, a restore): with no settings table there is
    # no token either, and nothing is remembered.
    return getattr(error, "sqlstate", None) == "42P01" or "no such table" in str(error)


def _forget(conn) -> None:
    _clear(conn.info)


def _clear(info: dict) -> None:
    info.pop(_MARK, None)
    info.pop(_TOKEN, None)


def remembered(session, key: tuple | None, compute: Callable):
    """compute(), or what it returned before for this key at the current data version.

    `key` names everything the result depends on besides the data (None: don't remember). The result must
    be plain data that nobody mutates (tuples, numbers, dates, strings).
    """
    session.flush()
    conn = session.connection()
    if key is None or conn.info.get(_MARK):
        return compute()
    token = conn.info.get(_TOKEN)
    if token is None:
        token = conn.exec_driver_sql(_READ_TOKEN).scalar()
        if token is None:  # no write has committed since the version was introduced
            return compute()
        conn.info[_TOKEN] = token
    full = (conn.engine.url, token, key)
    with _lock:
        value = _memo.get(full, _MISSING)
        if value is not _MISSING:
            _memo.move_to_end(full)
            return value
    value = compute()
    with _lock:
        _memo[full] = value
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value


def forget() -> None:
    """Drop every remembered result, so the next read computes afresh (tests compare the two)."""
    with _lock:
        _memo.clear()


def statement_key(stmt) -> tuple | None:
    """A hashable key naming a SELECT with its parameter values (None when SQLAlchemy cannot key it)."""
    cache_key = stmt._generate_cache_key()
    if cache_key is None:
        return None
    values = tuple(_hashable(p.effective_value) for p in cache_key.bindparams)
    try:
        hash(values)
    except TypeError:
        return None
    return cache_key.key, values


def _hashable(value):
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(value)
    return value
