"""Turning the cell values offices write into typed values: money, years, months, units and locations.

Each parser returns the value, or raises ValueProblem carrying a stable code and a Chinese message.
"""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

BLANKS = {"", "—", "——", "-", "--", "－", "/", "／", "无", "空", "…", "null", "none", "n/a", "#n/a"}
YUAN_SUFFIXES = ("万元", "亿元", "元")
FOUR_PLACES = Decimal("0.0001")
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
    if isinstance(value, str):
        return value.strip().lower() in BLANKS
    return False


def text(value) -> str | None:
    """A cell as trimmed text; numbers lose a trailing .0 (序号 1.0 → "1")."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def money(value, scale: Decimal) -> Decimal | None:
    """An amount in the sheet's unit (万元 or 亿元) as 万元 with four places; text numbers accepted."""
    if is_blank(value):
        return None
    if isinstance(value, bool) or isinstance(value, date | datetime):
        raise ValueProblem("bad-money", "金额应为数字")
    if isinstance(value, int | float):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        raw = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
        for suffix in YUAN_SUFFIXES:
            if raw.endswith(suffix):
                raw = raw[: -len(suffix)]
                break
        try:
            amount = Decimal(raw)
        except InvalidOperation as e:
            raise ValueProblem("bad-money", f"金额“{value}”不是数字") from e
    if not amount.is_finite():
        raise ValueProblem("bad-money", f"金额“{value}”不是数字")
    if amount < 0:
        raise ValueProblem("negative-money", "金额不能为负数")
    return (amount * scale).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def year_range(value) -> tuple[int, int] | None:
    """ "2021-2025", "2021年-2025年", "2021～2025" or a single year → (start, end)."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value), int(value)
    if isinstance(value, date | datetime):
        return value.year, value.year
    m = YEAR_RANGE.match(str(value).strip())
    if not m:
        raise ValueProblem("bad-year-range", f"建设年限“{value}”无法识别，应写作 2021-2025")
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
    m = MONTH.match(raw) or COMPACT_MONTH.match(raw)
    if not m:
        raise ValueProblem("bad-month", f"时间“{value}”无法识别，应写作 2021年3月")
    year, mon = int(m.group(1)), int(m.group(2))
    if not 1 <= mon <= 12:
        raise ValueProblem("bad-month", f"时间“{value}”的月份不在 1–12 之间")
    return date(year, mon, 1)


def unit_names(value, county_names: list[str]) -> list[str]:
    """Split 责任单位 on 、，,; keeping order (the first leads), and expand shared suffixes.

    "解放区、山阳区人民政府" names two governments: a bare county name borrows the suffix of the next
    entry that starts with a county name.
    """
    raw = text(value)
    if not raw:
        return []
    parts = [p.strip() for p in SEPARATORS.split(raw) if p.strip()]
    names = []
    for i, part in enumerate(parts):
        if part in county_names:
            suffix = _borrowed_suffix(parts[i + 1 :], county_names)
            part = part + suffix if suffix else part
        if part not in names:
            names.append(part)
    return names


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
    if not raw:
        return []
    names = []
    for part in LOCATION_SEPARATORS.split(raw):
        if part and part not in names:
            names.append(part)
    return names
