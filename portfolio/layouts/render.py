"""The one renderer: a layout's spec and rows become a formatted, printable worksheet in the house style.

Title, the optional 填报单位/日期 line, a one- or two-row header (groups merged over their columns), the body
with tinted 小计/合计 rows, the optional 口径说明 and 审核人/填报人 lines, and the page setup. Every text cell
goes through sheet_layout.write_text, so no value becomes a formula.
"""

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from portfolio.exports.progress_sheet import NOTE_KEYS, SheetRow, state_counts, write_rows
from portfolio.exports.safe_text import clean_text
from portfolio.exports.sheet_layout import (
    LINE_POINTS,
    Book,
    Column,
    setup_page,
    text_lines,
    write_header,
    write_heading,
    write_notes,
    write_text,
)
from portfolio.layouts.catalogue import sheet_note_keys
from portfolio.layouts.spec import PAPERS, LayoutSpec

SIGNATURE = ("审核人：", "填报人：")
TITLE_SCALE = 16 / 10  # the title's points against the body's, for how many characters a line holds


@dataclass(frozen=True)
class SheetText:
    title: str
    unit_line: str  # 填报单位：…
    date_line: str  # 日期：…
    unit_note: str = ""  # right of the date line, its {项目数} filled in


def _span(book: Book, ws: Worksheet, row: int, first: int, last: int, text: str, style: str) -> None:
    if last > first:
        ws.merge_range(row, first, row, last, clean_text(text), book.fmt(style))
    else:
        write_text(book, ws, row, first, text, style)


def _heading(book: Book, ws: Worksheet, spec: LayoutSpec, text: SheetText, ncols: int) -> int:
    right = "　　".join(t for t in (text.date_line, text.unit_note) if t)
    if spec.heading and ncols >= 4:
        return write_heading(book, ws, text.title, text.unit_line, right, ncols)
    ws.set_row(0, 30)
    _span(book, ws, 0, 0, ncols - 1, text.title, "title")
    if not spec.heading:
        return 1
    _span(book, ws, 1, 0, ncols - 1, f"{text.unit_line}　　{right}", "note")
    return 2


def _header(book: Book, ws: Worksheet, row: int, columns: list[Column]) -> int:
    """Two header rows when some columns share a group header, else one."""
    if any(c.group for c in columns):
        return write_header(book, ws, row, columns)
    ws.set_row(row, 36)
    for i, column in enumerate(columns):
        write_text(book, ws, row, i, column.header, "header")
        ws.set_column(i, i, column.width)
    return row + 1


def _fit_title(book: Book, ws: Worksheet, title: str, columns: list[Column]) -> None:
    """A title longer than the table is wide wraps in a taller row instead of running off the page."""
    lines = text_lines(title, sum(c.width for c in columns) / TITLE_SCALE)
    if lines > 1:
        ws.write_string(0, 0, clean_text(title), book.fmt("title_wrap"))
        ws.set_row(0, min(LINE_POINTS * TITLE_SCALE * lines + 9, 409))


def _fit_header(ws: Worksheet, row: int, body: int, columns: list[Column]) -> None:
    """Header rows tall enough for long headers (a fixed height cut them off); usual ones stay as they are."""
    lines = [text_lines(c.header, c.width) for c in columns]
    if body - row == 1:
        if max(lines) > 2:
            ws.set_row(row, LINE_POINTS * max(lines) + 3)
        return
    group_lines = max(
        (
            text_lines(c.group, sum(d.width for d in columns if d.group == c.group))
            for c in columns
            if c.group
        ),
        default=1,
    )
    top = max(22, LINE_POINTS * group_lines + 3)
    spanning = max((n for n, c in zip(lines, columns, strict=True) if not c.group), default=1)
    bottom = max(
        [LINE_POINTS * n + 3 for n, c in zip(lines, columns, strict=True) if c.group]
        + [LINE_POINTS * spanning + 3 - top, 36]
    )
    if top > 22 or bottom > 36:
        ws.set_row(row, top)
        ws.set_row(row + 1, bottom)


def _signature(book: Book, ws: Worksheet, row: int, ncols: int) -> int:
    half = max(ncols // 2, 1)
    _span(book, ws, row, 0, half - 1, SIGNATURE[0], "note")
    if ncols > 1:
        _span(book, ws, row, half, ncols - 1, SIGNATURE[1], "note")
    return row + 1


def write_layout_sheet(
    book: Book,
    spec: LayoutSpec,
    name: str,
    columns: list[Column],
    rows: list[SheetRow],
    text: SheetText,
    note: str = "",
) -> Worksheet:
    """One sheet of a layout in the workbook."""
    ws = book.sheet(name)
    header_row = _heading(book, ws, spec, text, len(columns))
    _fit_title(book, ws, text.title, columns)
    body = _header(book, ws, header_row, columns)
    _fit_header(ws, header_row, body, columns)
    after = write_rows(book, ws, body, columns, rows)
    if spec.notes:
        counts = state_counts(rows) if spec.report_counts else ""
        keys = sheet_note_keys(spec.note_keys or NOTE_KEYS, (c.key for c in columns))
        after = write_notes(book, ws, after, columns, keys, counts, note)
    if spec.signature:
        _signature(book, ws, after + 1, len(columns))
    setup_page(ws, header_row, body - 1)
    ws.set_paper(PAPERS.get(spec.paper, PAPERS["A4"]))
    if spec.orientation == "portrait":
        ws.set_portrait()
    if len(columns) <= 2:
        ws.freeze_panes(body, 0)
    return ws
