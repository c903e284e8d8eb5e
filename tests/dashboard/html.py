"""Reading figures and tables back out of rendered pages, with the standard library only."""

import html
import re
from decimal import Decimal

TAG = re.compile(r"<[^>]+>")


def text(fragment: str) -> str:
    return html.unescape(TAG.sub("", fragment)).strip()


def figures(page: str) -> dict[str, str]:
    """data-figure name → the text of that element."""
    return {m[0]: text(m[1]) for m in re.findall(r'data-figure="([\w-]+)"[^>]*>(.*?)</', page, re.S)}


def table_rows(page: str, name: str) -> list[list[str]]:
    """The body rows (cell texts) of the table marked data-table="name"."""
    match = re.search(rf'data-table="{re.escape(name)}".*?<tbody>(.*?)</tbody>', page, re.S)
    assert match, f"no table {name}"
    return [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match[1], re.S)
    ]


def summary_total(page: str) -> list[str]:
    """The summary's 合计 row: label, count, total, span, done, rate, then the warning counts."""
    row = re.search(r'<tr class="total">(.*?)</tr>', page, re.S)[1]
    return [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def number(value: str) -> Decimal:
    return Decimal(value.replace(",", "").rstrip("%"))
