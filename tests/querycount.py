"""Counting the SQL statements a page or an export runs, for the tests that show it stays fixed."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from portfolio import data_version
from portfolio.db import engine, session


@contextmanager
def count_statements() -> Iterator[dict]:
    """Count every statement sent to the database inside the block: counter["n"]."""
    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    event.listen(engine(), "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine(), "before_cursor_execute", count)


def statements_for(client, url: str, status: int = 200, remembered: bool = False) -> int:
    """The statements one GET runs, starting from an empty identity map (the tests share an app context).

    Without `remembered`, nothing remembered per data version is reused either, so the count is the whole
    work of the page, the same after a write as before it."""
    session.close()
    if not remembered:
        data_version.forget()
    with count_statements() as counter:
        assert client.get(url).status_code == status
    return counter["n"]
