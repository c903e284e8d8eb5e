"""Finding a sheet's header (one or two rows, merged cells included) and what each column holds."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from portfolio.annex.as_of import find_as_of, without_as_of
from portfolio.annex.reader import Sheet, column_letter
from portfolio.annex.values import is_blank
from portfolio.fields import FIELDS

HEADER_SCAN_ROWS = 30
WAN = Decimal(1)
YI = Decimal(10000)

# field key -> header texts an office may use, from the field registry.
FIELD_NAMES: dict[str, tuple[str, ...]] = {f.key: f.headers for f in FIELDS.values() if f.headers}
LOOKUP = {name: key for key, names in FIELD_NAMES.items() for name in names}
# The header over the year columns; the year columns themselves are "annual".
GROUP = "annual_plan_wan"
SPAN = "span_investment_wan"
PRE_TRACKING = "pre_tracking_invested_wan"
STRIP = re.compile(r"[\s\"'“”‘’「」『』]+")
UNIT_IN_HEADER = re.compile(r"[(（\[【]?\s*(?:单位[:：])?\s*(万元|亿元)\s*[)）\]】]?")
YEAR_HEADER = re.compile(r"^(\d{4})(?:年度?)?(?:计划)?(?:投资)?(?:计划)?(?:完成)?$")
UNITS_LINE = re.compile(r"单位[:：]\s*(万元|亿元)")


def normalise(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return STRIP.sub("", str(raw or "")).replace("（", "(").replace("）", ")")


@dataclass
class Column:
    index: int  # 0-based
    field: str | None  # a field registry key, "annual", or None (unknown)
    header: str  # as the user sees it, e.g. 分年度投资计划/2021年
    year: int | None = None
    scale: Decimal | None = None  # from the header text, else the sheet's units line
    letter: str = ""
    source: str | None = None  # the funding source's name, for a "funding" column
    as_of: date | None = None  # a completed-investment column's 截至 date, from its own header text

    def __post_init__(self):
        self.letter = column_letter(self.index + 1)


@dataclass
class Header:
    first_row: int  # Excel row numbers
    last_row: int
    columns: list[Column]
    scale: Decimal = WAN
    unknown: list[Column] = field(default_factory=list)
    off_span: list[Column] = field(default_factory=list)  # year columns outside the plan's years
    as_of: date | None = None  # a 截至… line above the header (数据截至2020年12月31日)
    _indexes: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def fields(self) -> dict[str, Column]:
        found: dict[str, Column] = {}
        for col in self.columns:
            if col.field and col.field not in ("annual", GROUP, "funding"):
                found.setdefault(col.field, col)
        return found

    def by_field(self) -> dict[str, Column]:
        return self.fields

    def indexes(self, keys: tuple[str, ...]) -> tuple[int, ...]:
        """The column indexes of those of `keys` the sheet has, in that order (remembered per tuple)."""
        found = self._indexes.get(keys)
        if found is None:
            found = self._indexes[keys] = tuple(self.fields[k].index for k in keys if k in self.fields)
        return found

    @cached_property
    def annual(self) -> dict[int, Column]:
        found: dict[int, Column] = {}
        for c in self.columns:
            if c.field == "annual" and c.year is not None:
                found.setdefault(c.year, c)
        return found

    @cached_property
    def refs(self) -> dict[str, tuple[str, str]]:
        """Field key ("annual:2021" for a year) -> (column letter, header), shared by every record."""
        refs = {k: (c.letter, c.header) for k, c in self.fields.items()}
        refs.update({f"annual:{y}": (c.letter, c.header) for y, c in self.annual.items()})
        refs.update({f"funding:{c.source}": (c.letter, c.header) for c in self.funding})
        return refs

    @cached_property
    def funding(self) -> list[Column]:
        return [c for c in self.columns if c.field == "funding"]

    def mark_funding(self, match) -> None:
        """Unknown columns whose header names a funding source (match: text → source name or None)."""
        for col in list(self.unknown):
            last = col.header.rsplit("/", 1)[-1]
            name = match(UNIT_IN_HEADER.sub("", last).replace("(", "").replace(")", ""))
            if name is not None:
                col.field, col.source = "funding", name
                self.unknown.remove(col)

    def annual_has_values(self, cells: list) -> bool:
        return any(c.index < len(cells) and not is_blank(cells[c.index]) for c in self.annual.values())


def classify_header(raw, span_name: str) -> tuple[str | None, int | None, Decimal | None]:
    """(field, year, scale) for one header text; span_name is the plan's short name (e.g. 十四五)."""
    text = normalise(raw)
    scale = None
    unit = UNIT_IN_HEADER.search(text)
    if unit:
        scale = YI if unit.group(1) == "亿元" else WAN
        text = (text[: unit.start()] + text[unit.end() :]).strip()
    text = text.replace("(", "").replace(")", "")
    if not text:
        return None, None, scale
    m = YEAR_HEADER.match(text)
    if m:
        return "annual", int(m.group(1)), scale
    if text in LOOKUP:
        return LOOKUP[text], None, scale
    if LOOKUP.get(without_as_of(text)) == PRE_TRACKING:  # 截至2020年底累计完成投资
        return PRE_TRACKING, None, scale
    span = normalise(span_name)
    if span and span in text and "投资" in text:
        return SPAN, None, scale
    if text.endswith("期间投资"):
        return SPAN, None, scale
    return None, None, scale


def find_header(sheet: Sheet, span_name: str, years: list[int]) -> Header | None:
    """The first row (within the top rows) naming the project column and at least two others."""
    for index, (row_no, cells) in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        fields = {classify_header(v, span_name)[0] for v in cells if v is not None}
        if "name" in fields and len(fields - {None, "name"}) >= 2:
            sub = sheet.rows[index + 1] if index + 1 < len(sheet.rows) else None
            sub_cells = sub[1] if sub and _is_sub_header(sheet, row_no, cells, sub[1], span_name) else None
            header = _build(sheet, row_no, cells, sub_cells, span_name, years)
            header.scale = _sheet_scale(sheet.rows[: index + 2], header.columns)
            header.as_of = _sheet_as_of(sheet.rows[:index])
            return header
    return None


def _is_sub_header(sheet: Sheet, row_no: int, top: list, cells: list, span_name: str) -> bool:
    """The next row continues the header when a header cell is merged down into it, or when all of
    its own texts (not copies of the cell above) are column names such as 2021年."""
    if any(r1 == row_no and r2 > r1 for r1, _c1, r2, _c2 in sheet.merges):
        return True
    own = [v for i, v in enumerate(cells) if v is not None and (i >= len(top) or v != top[i])]
    return bool(own) and all(classify_header(v, span_name)[0] is not None for v in own)


def _build(
    sheet: Sheet, row_no: int, top: list, sub: list | None, span_name: str, years: list[int]
) -> Header:
    width = max(len(top), len(sub or []))
    group_of = _horizontal_groups(sheet, row_no, top)
    columns, unknown, off_span = [], [], []
    for i in range(width):
        upper = top[i] if i < len(top) else None
        if upper is None:
            upper = group_of.get(i)
        lower = sub[i] if sub and i < len(sub) else None
        if upper is None and lower is None:
            continue
        col = _column(i, upper, lower, span_name)
        if col.field == "annual" and col.year not in years:
            off_span.append(col)
            continue
        if col.field is None:
            unknown.append(col)
        columns.append(col)
    return Header(row_no, row_no + (1 if sub else 0), columns, unknown=unknown, off_span=off_span)


def _column(i: int, upper, lower, span_name: str) -> Column:
    top_field, top_year, top_scale = classify_header(upper, span_name) if upper else (None, None, None)
    if lower is not None and normalise(lower) != normalise(upper):
        f, year, scale = classify_header(lower, span_name)
        label = f"{normalise(upper)}/{normalise(lower)}" if upper else normalise(lower)
        if f is None and top_field not in (None, GROUP, "funding_text"):
            f, year = top_field, top_year
        return _dated(Column(i, f, label, year, scale or top_scale))
    field_ = None if top_field == GROUP else top_field
    return _dated(Column(i, field_, normalise(upper), top_year, top_scale))


def _dated(col: Column) -> Column:
    """A completed-investment column takes the 截至 date its header (either row) names."""
    if col.field == PRE_TRACKING:
        col.as_of = find_as_of(col.header)[0]
    return col


def _sheet_as_of(rows: list[tuple[int, list]]) -> date | None:
    """The date of a 截至/截止 line above the header, for a completed-investment column without its own."""
    for _row_no, cells in rows:
        for v in cells:
            text = normalise(v) if isinstance(v, str) else ""
            if "截至" in text or "截止" in text:
                found, _ = find_as_of(text[max(text.find("截至"), text.find("截止")) :])
                if found is not None:
                    return found
    return None


def _horizontal_groups(sheet: Sheet, row_no: int, top: list) -> dict[int, str]:
    """Cells covered by a horizontal merge in the header row take the merge's text (分年度投资计划)."""
    groups = {}
    for r1, c1, r2, c2 in sheet.merges:
        if r1 <= row_no <= r2 and c2 > c1 and c1 - 1 < len(top):
            for c in range(c1, c2):
                groups[c] = top[c1 - 1]
    return groups


def _sheet_scale(rows: list[tuple[int, list]], columns: list[Column]) -> Decimal:
    """The 单位：万元 / 单位：亿元 line above (or in) the header; else the one unit the money headers
    name (总投资（亿元） with a bare 分年度投资计划 beside it); else 万元."""
    for _row_no, cells in rows:
        for v in cells:
            if isinstance(v, str):
                m = UNITS_LINE.search(normalise(v))
                if m:
                    return YI if m.group(1) == "亿元" else WAN
    named = {c.scale for c in columns if c.scale is not None}
    return named.pop() if len(named) == 1 else WAN
