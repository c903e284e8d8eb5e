"""How an adjustment reads: each changed field as (label, before, after) in plain words."""

from portfolio.adjustments.snapshot import FIELDS
from portfolio.numbers import format_wan


def _money(value: str | None) -> str:
    return format_wan(value)


def _annual(values: dict | None) -> str:
    if not values:
        return "—"
    return "，".join(f"{year}年 {_money(amount)}" for year, amount in sorted(values.items()))


def show(key: str, value) -> str:
    """One field's value as people read it."""
    if key.endswith("_wan"):
        return _money(value)
    if key == "annual":
        return _annual(value)
    if key == "member":
        return "纳入" if value else "调出"
    return "—" if value in (None, "") else str(value)


def field_changes(before: dict | None, after: dict | None, keys: list[str] | None = None) -> list[tuple]:
    """(label, before, after) for the given keys, or for every key the two hold."""
    before, after = before or {}, after or {}
    keys = keys if keys is not None else [k for k in FIELDS if k in before or k in after]
    return [(FIELDS[k], show(k, before.get(k)), show(k, after.get(k))) for k in keys]


def change_text(before: dict | None, after: dict | None, keys: list[str] | None = None) -> str:
    """The changes on one line, for a sheet cell."""
    return "；".join(f"{label}：{old} → {new}" for label, old, new in field_changes(before, after, keys))
