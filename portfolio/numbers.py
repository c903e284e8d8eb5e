"""The one rule for numbers people type or upload: money in 万元, percentages and scores.

Every form field, upload and command checks its numbers here, and every read of a stored number passes
through `readable`, so a value that slipped in before these checks cannot take a page down.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Money is at least 0 and far below what Numeric(16, 4) holds (10^12): 1 亿万元 is 1 万亿元, more than
# any single project of a prefecture-level city; anything larger is a typo or a wrong unit.
MONEY_MAX_WAN = Decimal(100_000_000)
PERCENT_MAX = Decimal(100)
# Integers in URLs and forms: beyond a 32-bit id no row exists, and SQLite overflows at 2^63.
INT_MAX = 2**31 - 1


class NumberProblem(ValueError):
    """A number that is not acceptable; `message` is the Chinese sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_decimal(raw) -> Decimal | None:
    """A typed value as a finite Decimal; blanks are None; commas, spaces and full-width digits pass."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, bool):
        raise NumberProblem("应填写数字。")
    elif isinstance(raw, int | float):
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        text = str(raw).strip().replace(",", "").replace("，", "").replace(" ", "")
        text = text.translate(_FULL_WIDTH)
        if not text:
            return None
        if len(text) > 40:
            raise NumberProblem("数字过长，请检查。")
        try:
            value = Decimal(text)
        except (InvalidOperation, ValueError) as bad:
            raise NumberProblem("应填写数字。") from bad
    if not value.is_finite():
        raise NumberProblem("应填写有限的数字（不接受“无穷大”“NaN”等）。")
    return value


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")


def check_range(value: Decimal | None, low: Decimal, high: Decimal, what: str) -> Decimal | None:
    """The value when it is finite and within [low, high]; otherwise NumberProblem naming the range."""
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise NumberProblem("应填写有限的数字（不接受“无穷大”“NaN”等）。")
    if value < low or value > high:
        raise NumberProblem(f"{what}应在 {low:,} 到 {high:,} 之间。")
    return value


def check_money(value, what: str = "金额") -> Decimal | None:
    """An amount in 万元: finite, not negative, below MONEY_MAX_WAN."""
    value = parse_decimal(value)
    if value is not None and value < 0:
        raise NumberProblem(f"{what}不能为负数。")
    if value is not None and value > MONEY_MAX_WAN:
        raise NumberProblem(f"{what}过大（超过 {MONEY_MAX_WAN:,} 万元），请检查单位。")
    return value


def check_percent(value, what: str = "百分比") -> Decimal | None:
    """A percentage: finite, from 0 to 100."""
    return check_range(parse_decimal(value), Decimal(0), PERCENT_MAX, what)


def parse_percent(raw, what: str = "完成百分比") -> Decimal | None:
    """A percentage typed as 35, "35", "35%" or "35 ％" → 35; a bare fraction cell stays as written."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.endswith(("%", "％")):
            text = text[:-1]
        return check_percent(text, what)
    return check_percent(raw, what)


# Stored amounts beyond this read as blank: far above what the checks let in, below the column's limit.
READABLE_MAX_WAN = MONEY_MAX_WAN * 1000


def readable(value, high: Decimal | None = READABLE_MAX_WAN, low: Decimal | None = None):
    """A stored number fit to show and add up, or None when it is non-finite or absurd (the read guard)."""
    if value is None:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    if high is not None and abs(number) > high:
        return None
    if low is not None and number < low:
        return None
    return value


def parse_int(raw) -> int | None:
    """A plain non-negative integer up to INT_MAX, or None: ids in query strings and hidden fields."""
    text = (raw or "").strip() if isinstance(raw, str) else ""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if number <= INT_MAX else None


# How an amount in 万元 reads, on every page, in the audit log and in messages: thousands separators, two
# decimal places as the sheets' "#,##0.00" (fields.MONEY_FORMAT) shows them, trailing zeros dropped
# (1,500 and 1,500.5, not 1500.0000). Sheets keep the number itself and show it with that format.
MONEY_PLACES = 2


def _shown(value) -> Decimal | None:
    """The number a page shows for a value, or None where it shows — (blank, non-finite or absurd)."""
    if value is None or value == "" or readable(value) is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_wan(value, places: int = MONEY_PLACES) -> str:
    """An amount as people read it and as the sheets show it (#,##0.00): 1,234.50; blank, non-finite or
    absurd values read as —."""
    number = _shown(value)
    if number is None:
        return "—"
    # Half away from zero, as Excel rounds the same number in a sheet's cell.
    text = f"{number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def format_number(value, places: int = 1) -> str:
    """A number that is not an amount (a percentage, a coordinate, an indicator value): at most `places`
    decimals, trailing zeros dropped (40, 37.5)."""
    number = _shown(value)
    if number is None:
        return "—"
    text = f"{number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def input_wan(value) -> str:
    """An amount in a form input: the exact value, no separators or trailing zeros (1500, 0.125)."""
    if value is None or value == "" or readable(value) is None:
        return ""
    text = format(Decimal(str(value)).normalize(), "f")
    return text
