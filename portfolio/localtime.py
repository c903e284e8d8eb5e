"""Beijing time for people: every *_at column holds naive UTC; pages and sheets show the local zone.

The zone is PORTFOLIO_TIMEZONE (default Asia/Shanghai). Deadlines and "today" are local dates, so a
period due on 31 March stays open until 23:59 Beijing time that day, not until 07:59 the next morning.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

from portfolio import db

DEFAULT_ZONE = "Asia/Shanghai"


def zone_from_name(name: str | None) -> ZoneInfo:
    """The named zone; a name the system does not know is a start-up error, not a silent fallback to UTC."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise RuntimeError(f"PORTFOLIO_TIMEZONE={name!r} 不是有效的时区名称，例如 Asia/Shanghai。") from e


def zone() -> ZoneInfo:
    if has_app_context():
        return current_app.extensions.get("local_zone") or zone_from_name(None)
    return zone_from_name(None)


def to_local(value: datetime) -> datetime:
    """A stored naive-UTC timestamp as a naive local one (aware values are converted as they are)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(zone()).replace(tzinfo=None)


def local_now() -> datetime:
    return to_local(db.utcnow())


def local_today() -> date:
    """Today's date where the users are: deadlines and "as of today" figures use this, never date.today()."""
    return local_now().date()


def local_day_start(day: date) -> datetime:
    """The naive-UTC instant at which a local day begins, for filtering stored timestamps by local date."""
    start = datetime.combine(day, time.min, tzinfo=zone())
    return start.astimezone(UTC).replace(tzinfo=None)


def local_day_end(day: date) -> datetime:
    """The naive-UTC instant at which a local day ends (exclusive)."""
    return local_day_start(day + timedelta(days=1))


def format_local(value: datetime | str | None, seconds: bool = False) -> str:
    """A stored UTC timestamp, or its ISO text as frozen snapshots keep it, in local time."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return to_local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
