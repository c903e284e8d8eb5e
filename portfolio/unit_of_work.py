"""The one commit point: each web request and each CLI command is one unit of work.

A request that ends in a response below 400 commits; an error response, an exception or a DomainError
rolls back. A CLI command commits when it returns exit status 0. Nothing else in the application calls
commit(): views show a refusal with refuse(), and previews and dry runs call discard(). The one write a
read-only request makes, a session's last-seen time, goes through write_apart().

Files written to disk are not part of the database transaction. Whoever writes one registers
on_rollback(callback) to remove it if the transaction does not commit, and whoever deletes one for a
removed row does it in after_commit(callback), so a rolled-back deletion keeps its file.
"""

import functools
from collections.abc import Callable

import click
from flask import Flask, flash
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portfolio import db
from portfolio.errors import DomainError

_ON_ROLLBACK = "unit_of_work.on_rollback"
_AFTER_COMMIT = "unit_of_work.after_commit"
_DISCARDED = "unit_of_work.discarded"
_KEEP_ON_ERROR = "unit_of_work.keep_on_error"


def on_rollback(callback: Callable[[], object]) -> None:
    """Call callback if the current transaction ends without committing: remove a file written for it."""
    db.session.info.setdefault(_ON_ROLLBACK, []).append(callback)


def after_commit(callback: Callable[[], object]) -> None:
    """Call callback once the current transaction has committed (e.g. delete the file of a removed row)."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def discard() -> None:
    """Roll back now and keep nothing this request or command writes: previews, dry runs, conflicts."""
    db.session.rollback()
    db.session.info[_DISCARDED] = True


def refuse(error: DomainError) -> None:
    """Show a refusal the one way: roll back what the service did, then flash its Chinese message."""
    if not error.keeps_changes:
        discard()
    flash(error.message, "error")


def keep_on_error() -> None:
    """Commit what this request has written even if it ends in an error response.

    For facts about the request itself, such as an API call counted against its token's rate limit and
    audited: a refused or failed call must still count. Only for requests that change nothing else.
    """
    db.session.info[_KEEP_ON_ERROR] = True


def init_app(app: Flask) -> None:
    """Commit or roll back at the end of every request; call before other after_request handlers."""
    event.listen(app.extensions["db_sessionmaker"], "after_commit", _committed)
    event.listen(app.extensions["db_sessionmaker"], "after_transaction_end", _ended)

    # Flask runs after_request handlers last-registered first: this one, registered first, runs last.
    @app.after_request
    def _end_request(response):
        session = db.active_session()
        kept = session is not None and session.info.pop(_KEEP_ON_ERROR, False)
        _finish(keep=response.status_code < 400 or kept)
        return response

    @app.teardown_request
    def _after_failure(exc):
        # An exception that no error page caught (tests propagate them): keep nothing.
        if exc is not None:
            _finish(keep=False)


def command(fn: Callable) -> Callable:
    """The CLI runner: a command is one unit of work, committed when it returns 0 (or None).

    A DomainError rolls back and becomes click's error message; a non-zero status rolls back and exits.
    """

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            status = fn(*args, **kwargs)
        except DomainError as e:
            _finish(keep=False)
            raise click.ClickException(e.message) from e
        except BaseException:
            _finish(keep=False)
            raise
        _finish(keep=not status)
        if status:
            raise SystemExit(status)

    return run


def write_apart(statement) -> None:
    """Write a small fact about the request itself (a session's last-seen time); a read stays a read.

    A request that intends to write runs it in its own transaction, which already holds the write lock. A
    read commits it at once in a short transaction of its own: inside the read, SQLite cannot upgrade to a
    write once another connection has committed since the read began ("database is locked", a 500 page
    under load), and PostgreSQL would hold the row lock until the page was done.
    """
    if db.write_intent.get():
        db.session.execute(statement)
        return
    token = db.write_intent.set(True)  # BEGIN IMMEDIATE on SQLite: queue on the lock, don't fail
    try:
        with db.engine().begin() as connection:
            connection.execute(statement)
    finally:
        db.write_intent.reset(token)


def _finish(keep: bool) -> None:
    session = db.active_session()
    if session is None:
        return
    discarded = session.info.pop(_DISCARDED, False)
    session.info.pop(_KEEP_ON_ERROR, None)  # per request: never carried into the next one
    if not keep or discarded:
        session.rollback()
        return
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _committed(session: Session) -> None:
    session.info.pop(_ON_ROLLBACK, None)
    for callback in session.info.pop(_AFTER_COMMIT, []):
        callback()


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    session.info.pop(_AFTER_COMMIT, None)
    for callback in reversed(session.info.pop(_ON_ROLLBACK, [])):
        callback()
