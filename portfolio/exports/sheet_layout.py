"""What every exported workbook shares: cell formats, safe text cells, titles, headers and page setup.

Workbooks are written with XlsxWriter: it streams, supports merged headers, number formats, sheet
protection and data validation, and never turns a string into a formula when told not to.
"""

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from portfolio.auth.models import Role
from portfolio.definitions import notes_for
from portfolio.exports.safe_text import (
    FORMULA_PREFIXES,
    MAX_CELL_CHARS,
    clean_text,
    has_illegal,
    looks_like_formula,
)
from portfolio.fields import FIELDS, INTEGER_FORMAT, MONEY_FORMAT
from portfolio.numbers import READABLE_MAX_WAN, readable
from portfolio.projects.models import Location
from portfolio.reporting.models import PeriodKind, ReportingPeriod

CITY = "焦作市"
ORGANISATION = "焦作市生态环境局"
PAPER_A3 = 8
RATE_FORMAT = "0.0"

_BASE = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
_CELL = {**_BASE, "border": 1, "text_wrap": True}
STYLES: dict[str, dict] = {
    "title": {**_BASE, "font_size": 16, "bold": True, "align": "center"},
    "title_wrap": {**_BASE, "font_size": 16, "bold": True, "align": "center", "text_wrap": True},
    "note": {**_BASE, "align": "left"},
    "note_right": {**_BASE, "align": "right"},
    "note_wrap": {**_BASE, "align": "left", "valign": "top", "text_wrap": True},
    "header": {**_CELL, "bold": True, "align": "center", "bg_color": "#D9E1F2"},
    "text": {**_CELL, "align": "left"},
    "center": {**_CELL, "align": "center"},
    "int": {**_CELL, "align": "center", "num_format": INTEGER_FORMAT},
    "money": {**_CELL, "align": "right", "num_format": MONEY_FORMAT},
    "money0": {**_CELL, "align": "right", "num_format": "#,##0"},
    "rate": {**_CELL, "align": "right", "num_format": RATE_FORMAT},
    "number": {**_CELL, "align": "right"},  # a measured value (an indicator's), shown as entered
}
NUMERIC_STYLES = ("money", "money0", "int", "rate")
# Group rows: bold, tinted; the tint says how high the group is.
ROW_TINTS = {"total": "#DDEBF7", "category": "#EDEDED", "subcategory": "#F7F7F7"}
LEVEL_FILLS = {"red": "#FF7C80", "yellow": "#FFE699", "green": "#A9D08E", "unreported": "#D9D9D9"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    style: str = "text"
    group: str | None = None  # a header spanning several adjacent columns in the first header row


def field_column(key: str, width: float, style: str | None = None, group: str | None = None, header=None):
    """A column showing a project field: its header and number format come from the field registry."""
    found = FIELDS[key]
    if style is None:
        style = {MONEY_FORMAT: "money", INTEGER_FORMAT: "int"}.get(found.number_format or "", "text")
    return Column(key, header or found.label, width, style, group)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str  # what the user sees, in Chinese
    fallback: str  # an ASCII name for clients that ignore filename*


def reporting_unit(actor, county: Location | None = None) -> str:
    if county is not None:
        return county.name
    if actor.role == Role.COUNTY_OFFICER:
        return (actor.unit or actor.county).name
    return ORGANISATION


def period_label(period: ReportingPeriod) -> str:
    if period.kind == PeriodKind.QUARTER:
        return f"{period.year}年第{period.number}季度"
    return f"{period.year}年{period.number}月"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class AsciiWorksheet(Worksheet):
    """A worksheet whose XML stays ASCII: the footer's Chinese (第 &P 页，共 &N 页) goes out as character
    references, read back as the same text. One non-ASCII character made XlsxWriter's in-memory sheet XML
    a string of two bytes a character, half again the peak memory of writing a 10,000-row sheet."""

    def _write_odd_footer(self) -> None:
        text = escape(self.footer).encode("ascii", "xmlcharrefreplace").decode("ascii")
        self.fh.write(f"<oddFooter>{text}</oddFooter>")


class Book:
    """One workbook being written to memory, with a cache of the formats its cells use."""

    def __init__(self, constant_memory: bool = False):
        """`constant_memory`: each row goes out to a temporary file once the next one begins, so a sheet
        of 10,000 rows is not held as cells (the report's peak memory halved); only for a workbook whose
        sheets are written top to bottom, each row's cells and height before the next row's (XlsxWriter
        drops anything written to a row it has passed, so not a two-row merged header)."""
        self.buffer = BytesIO()
        options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        options["constant_memory" if constant_memory else "in_memory"] = True
        self.workbook = xlsxwriter.Workbook(self.buffer, options)
        self._formats: dict[tuple, Format] = {}

    def fmt(self, style: str, tint: str | None = None, fill: str | None = None, **flags) -> Format:
        """The format for a style, tinted for a group row or filled, optionally unlocked or quote-prefixed."""
        key = (
            style,
            tint,
            fill,
            tuple(sorted(flags.items())) if flags else (),
        )  # once per cell: keep it cheap
        found = self._formats.get(key)
        if found is None:
            props = dict(STYLES[style])
            if tint in ROW_TINTS:
                props.update(bold=True, bg_color=ROW_TINTS[tint])
            if fill:
                props.update(bg_color=fill)
            if flags.get("unlocked"):
                props["locked"] = False
            if flags.get("quote"):
                props["quote_prefix"] = True
            found = self._formats[key] = self.workbook.add_format(props)
        return found

    def sheet(self, name: str) -> Worksheet:
        return self.workbook.add_worksheet(sheet_name(name), worksheet_class=AsciiWorksheet)

    def close(self) -> bytes:
        self.workbook.close()
        return self.buffer.getvalue()


_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet, whatever a layout is called: none of []:*?/\\ or control
    characters, no apostrophe at either end, at most 31 UTF-16 units, and not Excel's reserved History."""
    name = _SHEET_UNSAFE.sub("_", name)
    while len(name.encode("utf-16-le")) > 62:  # Excel counts UTF-16 units: a rare character takes two
        name = name[:-1]
    name = name.strip("'")
    if name.lower() == "history":
        return f"{name}_"
    return name or "Sheet"


LINE_POINTS = 13.5  # one line of 10-point 宋体


def text_lines(text: str, width: float) -> int:
    """How many lines wrapped text takes in a column `width` digits wide (a CJK character is about 1.7)."""
    text = str(text)
    if len(text) * 2.1 <= width and "\n" not in text:
        return 1  # no character is wider than 2.05 (four bytes in UTF-8): one line
    lines = 0
    for part in text.split("\n"):
        wide = (len(part.encode()) - len(part)) / 2  # CJK characters take three bytes in UTF-8
        lines += max(1, math.ceil((len(part) + 0.7 * wide) / max(width, 1)))
    return lines


def fit_row_height(ws: Worksheet, row: int, values: dict, columns: list["Column"]) -> None:
    """Spreadsheet programs do not grow rows for wrapped text on opening; set the height the text needs."""
    lines = 1
    for column in columns:
        lines = row_lines(lines, values.get(column.key), column.width)
    set_row_lines(ws, row, lines)


def put_plain(ws: Worksheet, row: int, col: int, value, text: Format, number: Format, blank: Format) -> bool:
    """Write a common cell straight to XlsxWriter, as write_text or write_number would: plain text, a
    readable Decimal or int, a blank (None or ""). False, writing nothing, for anything else (text that
    looks like a formula or needs cleaning, an unreadable number, a label, a float): the caller's careful
    path writes it. At 10,000 rows the careful helpers cost as much as XlsxWriter's own writing."""
    kind = value.__class__
    if kind is str:
        if not value:
            ws.write_blank(row, col, None, text)
        elif value.startswith(FORMULA_PREFIXES) or len(value) > MAX_CELL_CHARS or has_illegal(value):
            return False
        else:
            ws.write_string(row, col, value, text)
    elif value is None:
        ws.write_blank(row, col, None, blank)
    elif kind is Decimal and value.is_finite() and abs(value) <= READABLE_MAX_WAN:
        ws.write_number(row, col, float(value), number)
    elif kind is int and abs(value) <= READABLE_MAX_WAN:
        ws.write_number(row, col, value, number)
    else:
        return False
    return True


def row_lines(lines: int, value, width: float) -> int:
    """The lines of a row so far, with this cell's (fit_row_height's rule, cell by cell)."""
    if isinstance(value, str) and (len(value) * 2.1 > width or "\n" in value):
        return max(lines, text_lines(value, width))
    return lines


def set_row_lines(ws: Worksheet, row: int, lines: int) -> None:
    if lines > 1:
        ws.set_row(row, min(LINE_POINTS * lines + 3, 409))


def write_text(book: Book, ws: Worksheet, row: int, col: int, value, style="text", **fmt_args) -> None:
    """A string cell, whatever the text: formula-like text also gets the quote prefix."""
    if value is None or value == "":
        ws.write_blank(row, col, None, book.fmt(style, **fmt_args))
        return
    text = clean_text(value)
    quote = looks_like_formula(text)
    ws.write_string(
        row, col, text, book.fmt(style, quote=quote, **fmt_args) if quote else book.fmt(style, **fmt_args)
    )


def write_number(book: Book, ws: Worksheet, row: int, col: int, value, style="money", **fmt_args) -> None:
    value = readable(value)  # a non-finite stored figure leaves the cell blank rather than failing the sheet
    if value is None:
        ws.write_blank(row, col, None, book.fmt(style, **fmt_args))
    else:
        ws.write_number(
            row, col, float(value) if isinstance(value, Decimal) else value, book.fmt(style, **fmt_args)
        )


def write_heading(book: Book, ws: Worksheet, title: str, left: str, right: str, ncols: int) -> int:
    """Title row and the unit/date line; returns the next free row."""
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, ncols - 1, clean_text(title), book.fmt("title"))
    half = ncols // 2  # callers have at least four columns
    ws.merge_range(1, 0, 1, half - 1, clean_text(left), book.fmt("note"))
    ws.merge_range(1, half, 1, ncols - 1, clean_text(right), book.fmt("note_right"))
    return 2


def write_header(book: Book, ws: Worksheet, row: int, columns: list[Column]) -> int:
    """A two-row header: grouped columns share a merged top cell, the others span both rows."""
    header = book.fmt("header")
    ws.set_row(row, 22)
    ws.set_row(row + 1, 36)
    col = 0
    while col < len(columns):
        group = columns[col].group
        if group is None:
            ws.merge_range(row, col, row + 1, col, columns[col].header, header)
            col += 1
            continue
        end = col
        while end + 1 < len(columns) and columns[end + 1].group == group:
            end += 1
        if end > col:
            ws.merge_range(row, col, row, end, group, header)
        else:
            ws.write_string(row, col, group, header)
        for c in range(col, end + 1):
            ws.write_string(row + 1, c, columns[c].header, header)
        col = end + 1
    for i, column in enumerate(columns):
        ws.set_column(i, i, column.width)
    return row + 2


def write_notes(
    book: Book,
    ws: Worksheet,
    row: int,
    columns: list[Column],
    keys: tuple[str, ...],
    *leads: str,
    first: int = 0,
) -> int:
    """The 口径说明 under a table: lead lines, then one merged row per definition; returns the next row.

    `first` is the first visible column (wrapped text merged from a hidden column is not shown)."""
    lines = [lead for lead in leads if lead] + ["口径说明："]
    lines += [f"{d.name}：{d.rule}" for d in notes_for(*keys)]
    width = sum(c.width for c in columns[first:])
    for offset, line in enumerate(lines, start=1):
        r = row + offset
        ws.set_row(r, LINE_POINTS * text_lines(line, width) + 3)
        ws.merge_range(r, first, r, len(columns) - 1, clean_text(line), book.fmt("note_wrap"))
    return row + len(lines) + 1


def setup_page(ws: Worksheet, header_first: int, header_last: int) -> None:
    """A3 landscape, fit to one page wide, header rows on every page, panes frozen below the header."""
    ws.set_paper(PAPER_A3)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_first, header_last)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.freeze_panes(header_last + 1, 2)
