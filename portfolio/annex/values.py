"""Turning the cell values offices write into typed values: money, years, months, units and locations.

Each parser returns the value, or raises ValueProblem carrying a stable code and a Chinese message.
"""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from portfolio.numbers import MONEY_MAX_WAN

BLANKS = {"", "—", "——", "-", "--", "－", "/", "／", "无", "空", "…", "null", "none", "n/a", "#n/a"}
BLANK_MAX = max(map(len, BLANKS))  # a longer text is never a blank: no lower() for it
YUAN_SUFFIXES = ("万元", "亿元", "元")
FOUR_PLACES = Decimal("0.0001")
MAX_WAN = MONEY_MAX_WAN  # the one bound for money (portfolio.numbers)
SEPARATORS = re.compile(r"[、，,;；\n\r]+")
LOCATION_SEPARATORS = re.compile(r"[、，,;；/\s]+")
YEAR_RANGE = re.compile(r"^(\d{4})\s*年?\s*(?:[-－—–~～至到]+\s*(\d{4})\s*年?)?$")
MONTH = re.compile(r"^(\d{4})\s*(?:年|[.\-/．])\s*(\d{1,2})\s*(?:月(?:份)?(?:\d{1,2}日)?|[.\-/]\d{1,2})?$")
COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")


class ValueProblem(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def is_blank(value) -> bool:
    if value is None:
        return True
    if type(value) is str:
        stripped = value.strip()
        return len(stripped) <= BLANK_MAX and (stripped in BLANKS or stripped.lower() in BLANKS)
    return False


def text(value) -> str | None:
    """A cell as trimmed text; numbers lose a trailing .0 (序号 1.0 → "1")."""
    if value is None:
        return None
    if type(value) is str:
        stripped = value.strip()
        if len(stripped) <= BLANK_MAX and (stripped in BLANKS or stripped.lower() in BLANKS):
            return None
        return stripped
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def money(value, scale: Decimal) -> Decimal | None:
    """An amount in the sheet's unit (万元 or 亿元) as 万元 with four places; text numbers accepted."""
    kind = type(value)
    if kind is float:
        amount = Decimal(repr(value))
    elif kind is int:
        amount = Decimal(value)
    elif value is None or is_blank(value):
        return None
    elif kind is str:
        amount = _text_amount(value)
    else:
        raise ValueProblem("bad-money", "金额应为数字")
    if not amount.is_finite():
        raise ValueProblem("bad-money", f"金额“{value}”不是数字")
    if amount < 0:
        raise ValueProblem("negative-money", "金额不能为负数")
    if scale != 1:
        amount *= scale
    if amount > MAX_WAN:
        raise ValueProblem("bad-money", f"金额“{value}”过大（超过 {MAX_WAN:,} 万元），请检查单位")
    return amount.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def _text_amount(value: str) -> Decimal:
    raw = value.strip().replace(",", "").replace("，", "").replace(" ", "")
    for suffix in YUAN_SUFFIXES:
        if raw.endswith(suffix):
            raw = raw[: -len(suffix)]
            break
    try:
        return Decimal(raw)
    except InvalidOperation as e:
        raise ValueProblem("bad-money", f"金额“{value}”不是数字") from e


def year_range(value) -> tuple[int, int] | None:
    """ "2021-2025", "2021年-2025年", "2021～2025" or a single year → (start, end)."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value), int(value)
    if isinstance(value, date | datetime):
        return value.year, value.year
    return _year_range_text(str(value).strip())


@lru_cache(maxsize=4096)
def _year_range_text(raw: str) -> tuple[int, int]:
    m = YEAR_RANGE.match(raw)
    if not m:
        raise ValueProblem("bad-year-range", f"建设年限“{raw}”无法识别，应写作 2021-2025")
    start = int(m.group(1))
    return start, int(m.group(2) or start)


def month(value) -> date | None:
    """ "2021年3月", "2021.3", "2021-03", "202103" or a real date cell → the first day of that month."""
    if is_blank(value):
        return None
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    if isinstance(value, float) and not value.is_integer():
        raw = repr(value)  # 2021.3 typed as a number
    else:
        raw = text(value) or ""
    return _month_text(raw)


@lru_cache(maxsize=4096)
def _month_text(raw: str) -> date:
    m = MONTH.match(raw) or COMPACT_MONTH.match(raw)
    if not m:
        raise ValueProblem("bad-month", f"时间“{raw}”无法识别，应写作 2021年3月")
    year, mon = int(m.group(1)), int(m.group(2))
    if not 1 <= mon <= 12:
        raise ValueProblem("bad-month", f"时间“{raw}”的月份不在 1–12 之间")
    return date(year, mon, 1)


def unit_names(value, county_names: tuple[str, ...]) -> list[str]:
    """Split 责任单位 on 、，,; keeping order (the first leads), and expand shared suffixes.

    "解放区、山阳区人民政府" names two governments: a bare county name borrows the suffix of the next
    entry that starts with a county name.
    """
    raw = text(value)
    return list(_unit_names_text(raw, tuple(county_names))) if raw else []


@lru_cache(maxsize=4096)
def _unit_names_text(raw: str, county_names: tuple[str, ...]) -> tuple[str, ...]:
    parts = [p.strip() for p in SEPARATORS.split(raw) if p.strip()]
    names = []
    for i, part in enumerate(parts):
        if part in county_names:
            suffix = _borrowed_suffix(parts[i + 1 :], county_names)
            part = part + suffix if suffix else part
        if part not in names:
            names.append(part)
    return tuple(names)


def _borrowed_suffix(rest: list[str], county_names: list[str]) -> str | None:
    for later in rest:
        if later in county_names:
            continue
        county = county_prefix(later, county_names)
        return later[len(county) :] if county else None
    return None


def county_prefix(name: str, county_names: list[str]) -> str | None:
    """The longest county name (or alias) a unit's name starts with."""
    best = None
    for county in county_names:
        if name.startswith(county) and len(name) > len(county) and (best is None or len(county) > len(best)):
            best = county
    return best


def location_names(value) -> list[str]:
    raw = text(value)
    return list(_location_names_text(raw)) if raw else []


@lru_cache(maxsize=4096)
def _location_names_text(raw: str) -> tuple[str, ...]:
    names = []
    for part in LOCATION_SEPARATORS.split(raw):
        if part and part not in names:
            names.append(part)
    return tuple(names)
