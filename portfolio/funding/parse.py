"""Reading a 资金来源 text such as “中央预算内投资5000万元，专项债2亿元” into amounts (万元) by source."""

import re
from decimal import Decimal, InvalidOperation

SCALES = {
    "亿元": Decimal(10000),
    "亿": Decimal(10000),
    "万元": Decimal(1),
    "万": Decimal(1),
    "元": Decimal("0.0001"),
}
PART = re.compile(r"\s*([^\d\s:：,，;；、。]+?)\s*[:：]?\s*(\d+(?:\.\d+)?)\s*(亿元|万元|亿|万|元)?\s*")
SEPARATORS = re.compile(r"[,，;；、。\n]+")
SPACES = re.compile(r"[\s\"'“”（）()]+")


def source_key(name: str) -> str:
    """Names compared without spaces, quotes or brackets."""
    return SPACES.sub("", name or "")


def source_lookup(sources) -> dict[str, str]:
    """Normalised name or alias → the source's name; sources have .name and .aliases."""
    lookup: dict[str, str] = {}
    for source in sources:
        for name in [source.name, *(source.aliases or [])]:
            lookup.setdefault(source_key(name), source.name)
    return lookup


def match_source(label: str, lookup: dict[str, str]) -> str | None:
    """The source a label names: exactly, else the longest name or alias the label starts or ends with."""
    key = source_key(label)
    if key in lookup:
        return lookup[key]
    near = [k for k in lookup if k and (key.startswith(k) or key.endswith(k))]
    return lookup[max(near, key=len)] if near else None


def parse_funding_text(
    text: str, lookup: dict[str, str], scale: Decimal = Decimal(1)
) -> dict[str, Decimal] | None:
    """Amounts in 万元 by source name, or None when any part of the text cannot be read.

    A bare number takes the sheet's unit (scale, 万元 per unit). Two parts naming one source add up.
    """
    amounts: dict[str, Decimal] = {}
    parts = [p for p in SEPARATORS.split(text or "") if p.strip()]
    if not parts:
        return None
    for part in parts:
        match = PART.fullmatch(part)
        if match is None:
            return None
        label, number, unit = match.groups()
        name = match_source(label, lookup)
        if name is None:
            return None
        try:
            amount = Decimal(number) * (SCALES[unit] if unit else scale)
        except InvalidOperation:
            return None
        amounts[name] = amounts.get(name, Decimal(0)) + amount.quantize(Decimal("0.0001"))
    return amounts
