"""The as-of date of an annex's completed-investment column: 截至2020年底, 截止2021年6月, 至2020.12.31.

Offices write it in the column's header (截至2020年底累计完成投资) or on a line above the header
(数据截至2020年12月31日). A year alone or 年底/年末 is the year's last day; a month is its last day.
"""

import re
from datetime import date

from portfolio.definitions.schedule import month_end

AS_OF = re.compile(
    r"(?:数据)?(?:截至|截止|至)(?:到)?(\d{4})(?:年|[.\-/．])?"
    r"(?:(\d{1,2})(?:月份?|[.\-/．])?(?:(\d{1,2})日?)?)?"
    r"(?:年底|年末|月底|月末|底|末)?"
)
TRIM = "，,、；;：:()（）"


def find_as_of(text: str) -> tuple[date | None, bool]:
    """(the date, whether a 截至… phrase was found): a phrase with an impossible date gives (None, True)."""
    m = AS_OF.search(text)
    if m is None:
        return None, False
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        if day is not None and month is not None:
            return date(year, month, day), True
        if month is not None:
            return month_end(date(year, month, 1)), True
        return date(year, 12, 31), True
    except ValueError:
        return None, True


def without_as_of(text: str) -> str:
    """The header text with its 截至… phrase taken out: 截至2020年底累计完成投资 → 累计完成投资."""
    return AS_OF.sub("", text, count=1).strip(TRIM)
