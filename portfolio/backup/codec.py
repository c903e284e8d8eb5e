"""Row values to and from JSON, so that a backup taken on SQLite restores into PostgreSQL and back."""

import base64
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa


def encode(value):
    """A database value as JSON: exact decimals and ISO times as text, bytes as base64."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decoder(column_type: sa.types.TypeEngine):
    """How to turn the JSON of a column of this type back into the value the database expects."""
    if isinstance(column_type, sa.Float):
        return None
    if isinstance(column_type, sa.Numeric):
        return lambda v: Decimal(v) if isinstance(v, str) else v
    if isinstance(column_type, sa.DateTime):
        return datetime.fromisoformat
    if isinstance(column_type, sa.Date):
        return date.fromisoformat
    if isinstance(column_type, sa.Time):
        return time.fromisoformat
    if isinstance(column_type, sa.LargeBinary):
        return base64.b64decode
    return None
