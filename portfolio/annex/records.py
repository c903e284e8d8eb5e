"""Reading project rows into ProjectRecords. Column positions and parsers are worked out once per sheet,
so a 10,000-row annex costs little more than the cells themselves."""

from portfolio.annex import values
from portfolio.annex.header import Column, Header
from portfolio.annex.report import ERROR, Issue, ProjectRecord

TEXT_FIELDS = ("nature", "content", "note")
MONEY_FIELDS = (("total", "total_investment_wan"), ("fyp", "fyp_investment_wan"))
MONTH_FIELDS = (("start", "planned_start"), ("end", "planned_end"))
UNIT_FIELDS = ("units", "lead_unit", "support_units")


class RowReader:
    def __init__(self, header: Header, years: list[int], county_names: list[str], sheet: str):
        fields = header.fields
        self.sheet, self.refs = sheet, header.refs
        self.width = max((c.index for c in header.columns), default=0) + 1
        self.name = fields.get("name")
        self.seq = fields.get("seq")
        self.texts = [(key, fields[key].index) for key in TEXT_FIELDS if key in fields]
        self.years = fields.get("years")
        self.money = [
            (key, attr, fields[key], fields[key].scale or header.scale)
            for key, attr in MONEY_FIELDS
            if key in fields
        ]
        self.annual = [(y, header.annual.get(y)) for y in years]
        self.annual_scale = {y: c.scale or header.scale for y, c in header.annual.items()}
        self.months = [(key, attr, fields[key]) for key, attr in MONTH_FIELDS if key in fields]
        self.location = fields.get("location")
        self.units = [fields[key].index for key in UNIT_FIELDS if key in fields]
        self.county_names = tuple(county_names)

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
            record.seq_no = int(seq) if seq and seq.isdigit() and len(seq) < 9 else None
        for key, index in self.texts:
            setattr(record, key, values.text(cells[index]))
        if self.years is not None:
            years = self._parse(record, "years", self.years, values.year_range, cells, issues)
            record.start_year, record.end_year = years or (None, None)
        for key, attr, col, scale in self.money:
            setattr(record, attr, self._parse(record, key, col, values.money, cells, issues, scale))
        annual = record.annual_plan_wan
        for year, col in self.annual:
            annual[year] = (
                self._parse(record, "annual", col, values.money, cells, issues, self.annual_scale[year])
                if col
                else None
            )
        for key, attr, col in self.months:
            setattr(record, attr, self._parse(record, key, col, values.month, cells, issues))
        if self.location is not None:
            record.locations = values.location_names(cells[self.location.index])
        record.units = self._units(cells)
        return record

    def _parse(self, record: ProjectRecord, key: str, col: Column, parse, cells: list, issues, *args):
        raw = cells[col.index]
        if raw is None:
            return None
        try:
            return parse(raw, *args)
        except values.ValueProblem as p:
            record.unreadable.add(key)
            issues.append(
                Issue(ERROR, p.code, p.message, self.sheet, record.row, col.letter, col.header, raw)
            )
            return None

    def _units(self, cells: list) -> list[str]:
        names: list[str] = []
        for index in self.units:
            for name in values.unit_names(cells[index], self.county_names):
                if name not in names:
                    names.append(name)
        return names
