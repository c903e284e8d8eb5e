"""Reading project rows into ProjectRecords. Column positions and parsers are worked out once per sheet,
so a 10,000-row annex costs little more than the cells themselves. Each column's parser remembers the
values it has read: amounts, years and months repeat a lot down a column."""

from portfolio.annex import values
from portfolio.annex.header import Column, Header
from portfolio.annex.pre_tracking import PreTrackingReader
from portfolio.annex.report import ERROR, WARNING, Issue, ProjectRecord
from portfolio.funding.parse import parse_funding_text
from portfolio.numbers import parse_int

TEXT_FIELDS = ("nature", "content", "note")
MONEY_FIELDS = ("total_investment_wan", "span_investment_wan")
MONTH_FIELDS = ("planned_start", "planned_end")
UNIT_FIELDS = ("units", "lead_unit", "support_units")


class RowReader:
    def __init__(
        self, header: Header, years: list[int], county_names: list[str], sheet: str, funding: dict[str, str]
    ):
        fields = header.fields
        self.sheet, self.refs = sheet, header.refs
        self.width = max((c.index for c in header.columns), default=0) + 1
        self.name = fields.get("name")
        self.seq = fields.get("seq_no")
        self.texts = [
            (key, fields[key].index, remembering(values.text)) for key in TEXT_FIELDS if key in fields
        ]
        self.years = fields.get("years")
        self.year_range = remembering(values.year_range)
        self.money = [
            (key, fields[key], remembering(values.money, fields[key].scale or header.scale))
            for key in MONEY_FIELDS
            if key in fields
        ]
        self.annual = [
            (y, col, remembering(values.money, col.scale or header.scale) if col else None)
            for y, col in ((y, header.annual.get(y)) for y in years)
        ]
        month = remembering(values.month)
        self.months = [(key, fields[key], month) for key in MONTH_FIELDS if key in fields]
        self.location = fields.get("locations")
        self.location_names = remembering(values.location_names)
        self.units = [fields[key].index for key in UNIT_FIELDS if key in fields]
        self.county_names = tuple(county_names)
        self.unit_names = remembering(values.unit_names, self.county_names)
        self.funding = FundingReader(header, funding, sheet)
        self.pre_tracking = PreTrackingReader(header, sheet)

    def name_of(self, cells: list) -> str | None:
        return values.text(cells[self.name.index]) if self.name and self.name.index < len(cells) else None

    def read(self, row_no: int, cells: list, category: int, subcategory: str | None, issues: list[Issue]):
        """One project row; every unreadable value becomes an error on its own cell."""
        if len(cells) < self.width:
            cells = cells + [None] * (self.width - len(cells))
        record = ProjectRecord(self.sheet, row_no, category, subcategory, self.name_of(cells) or "")
        record.columns = self.refs
        if self.seq is not None:
            seq = values.text(cells[self.seq.index])
            record.seq_no = parse_int(seq) if seq and len(seq) < 9 else None
        for key, index, text in self.texts:
            setattr(record, key, text(cells[index]))
        if self.years is not None:
            years = self._parse(record, "years", self.years, self.year_range, cells, issues)
            record.start_year, record.end_year = years or (None, None)
        for key, col, money in self.money:
            raw = cells[col.index]
            setattr(record, key, None if raw is None else self._parse(record, key, col, money, cells, issues))
        annual = record.annual_plan_wan
        for year, col, money in self.annual:
            raw = cells[col.index] if col else None
            annual[year] = None if raw is None else self._parse(record, "annual", col, money, cells, issues)
        for key, col, month in self.months:
            raw = cells[col.index]
            setattr(record, key, None if raw is None else self._parse(record, key, col, month, cells, issues))
        if self.location is not None:
            record.locations = list(self.location_names(cells[self.location.index]))
        record.units = self._units(cells)
        self.funding.read(record, cells, issues)
        self.pre_tracking.read(record, cells, issues)
        return record

    def _parse(self, record: ProjectRecord, key: str, col: Column, parse, cells: list, issues):
        raw = cells[col.index]
        if raw is None:
            return None
        try:
            return parse(raw)
        except values.ValueProblem as p:
            record.unreadable.add(key)
            issues.append(
                Issue(ERROR, p.code, p.message, self.sheet, record.row, col.letter, col.header, raw)
            )
            return None

    def _units(self, cells: list) -> list[str]:
        names: list[str] = []
        for index in self.units:
            for name in self.unit_names(cells[index]):
                if name not in names:
                    names.append(name)
        return names


def remembering(parse, *args):
    """parse(raw, *args), remembered by the raw value and its type (1, 1.0 and True read differently).
    An unreadable value is not remembered: it raises its ValueProblem each time."""
    seen: dict = {}

    def read(raw):
        key = (type(raw), raw)
        found = seen.get(key, seen)
        if found is seen:
            found = seen[key] = parse(raw, *args)
        return found

    return read


class FundingReader:
    """Amounts by source from per-source columns, else from one 资金来源 text column.

    Text it cannot read is kept as the project's funding note, with a warning naming the row.
    """

    def __init__(self, header: Header, lookup: dict[str, str], sheet: str):
        self.sheet, self.lookup = sheet, lookup
        self.columns = [(c.source, c, c.scale or header.scale) for c in header.funding]
        self.text = header.fields.get("funding_text")
        self.text_scale = (self.text.scale or header.scale) if self.text else None

    def read(self, record: ProjectRecord, cells: list, issues: list[Issue]) -> None:
        if not self.columns and self.text is None:
            return  # the file says nothing of funding: the register's breakdown is left alone
        amounts: dict[str, object] = {}
        for name, col, scale in self.columns:
            raw = cells[col.index]
            if raw is None:
                continue
            try:
                amount = values.money(raw, scale)
            except values.ValueProblem as p:
                record.unreadable.add("funding")
                issues.append(
                    Issue(ERROR, p.code, p.message, self.sheet, record.row, col.letter, col.header, raw)
                )
                continue
            if amount is not None:
                amounts[name] = amounts.get(name, 0) + amount
        record.funding = amounts if self.columns else None
        if self.text is not None:
            record.funding_text_column = True
            self._text(record, cells[self.text.index], issues)

    def _text(self, record: ProjectRecord, raw, issues: list[Issue]) -> None:
        text = values.text(raw)
        record.funding_note = None
        if not text:
            return
        parsed = parse_funding_text(text, self.lookup, self.text_scale)
        if parsed is not None and not record.funding:
            record.funding = parsed
            return
        if parsed is not None:
            return  # the per-source columns already say it
        if parsed is None:
            col = self.text
            issues.append(
                Issue(
                    WARNING,
                    "funding-unparsed",
                    f"第 {record.row} 行“{record.name}”的资金来源无法按来源拆分，已原样保存为资金来源说明。",
                    self.sheet,
                    record.row,
                    col.letter,
                    col.header,
                    raw,
                )
            )
        record.funding_note = text
