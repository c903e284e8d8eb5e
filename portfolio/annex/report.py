"""What an import found and would do: issues, one record per project row, the diff, and its JSON form."""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portfolio.numbers import format_wan

ERROR, WARNING = "error", "warning"
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
RENUMBERED = "renumbered"  # only the 序号 differs: not an update, counted apart


@dataclass
class Issue:
    severity: str
    code: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # letter, e.g. G
    header: str | None = None
    value: object = None

    def to_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": plain(self.value),
            "message": self.message,
        }


@dataclass
class ProjectRecord:
    sheet: str
    row: int
    category: int  # the category's number in the plan
    subcategory: str | None
    name: str
    seq_no: int | None = None
    locations: list[str] = field(default_factory=list)
    nature: str | None = None
    content: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    total_investment_wan: Decimal | None = None
    span_investment_wan: Decimal | None = None
    annual_plan_wan: dict[int, Decimal | None] = field(default_factory=dict)
    planned_start: date | None = None
    planned_end: date | None = None
    units: list[str] = field(default_factory=list)  # the first leads
    note: str | None = None
    # Planned amounts (万元) by source name; None when the file has no funding columns (nothing to compare).
    funding: dict[str, Decimal] | None = None
    funding_note: str | None = None  # 资金来源 text that could not be split by source
    funding_text_column: bool = field(default=False, repr=False, compare=False)
    # 纳入系统前已完成投资 and its as-of date, when the file gives them for this project (else None).
    pre_tracking_invested_wan: Decimal | None = None
    pre_tracking_as_of: date | None = None
    action: str = CREATED
    project_id: int | None = None
    changes: dict[str, tuple] = field(default_factory=dict)  # field -> (old, new)
    # Where each field came from: field key ("annual:2021" for a year) -> (column letter, header).
    columns: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False, compare=False)
    unreadable: set[str] = field(default_factory=set, repr=False, compare=False)  # fields with an error
    # The row's digest (fingerprint.py), kept as the project's fingerprint when the row has no issue.
    fingerprint: str | None = field(default=None, repr=False, compare=False)

    def comparable(self) -> dict:
        """The values the diff compares, in the same shape project_values() gives for a stored project."""
        return {
            "name": self.name,
            "subcategory": self.subcategory,
            "seq_no": self.seq_no,
            "locations": list(self.locations),
            "nature": self.nature,
            "content": self.content,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "total_investment_wan": self.total_investment_wan,
            "span_investment_wan": self.span_investment_wan,
            "annual_plan_wan": {y: a for y, a in self.annual_plan_wan.items() if a is not None},
            "planned_start": self.planned_start,
            "planned_end": self.planned_end,
            "units": list(self.units),
            "note": self.note,
            **self._funding_values(),
            **self._pre_tracking_values(),
        }

    def _pre_tracking_values(self) -> dict:
        """Compared only where the file states an amount: a blank cell keeps a planner's entry."""
        if self.pre_tracking_invested_wan is None:
            return {}
        return {
            "pre_tracking_invested_wan": self.pre_tracking_invested_wan,
            "pre_tracking_as_of": self.pre_tracking_as_of,
        }

    def _funding_values(self) -> dict:
        """Funding is compared only where the file has funding columns; else the register keeps its own."""
        found = {} if self.funding is None else {"funding": dict(self.funding)}
        if self.funding_text_column:
            found["funding_note"] = self.funding_note
        return found

    def to_dict(self, years: list[int]) -> dict:
        data = {
            "action": self.action,
            "sheet": self.sheet,
            "row": self.row,
            "category": self.category,
            "subcategory": self.subcategory,
            "name": self.name,
            "locations": self.locations,
            "nature": self.nature,
            "content": self.content,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "total_investment_wan": plain(self.total_investment_wan),
            "span_investment_wan": plain(self.span_investment_wan),
            "annual_plan_wan": {str(y): plain(self.annual_plan_wan.get(y)) for y in years},
            "planned_start": _month(self.planned_start),
            "planned_end": _month(self.planned_end),
            "units": [{"name": n, "lead": i == 0} for i, n in enumerate(self.units)],
            "note": self.note,
        }
        if self.funding is not None:
            data["funding"] = {k: plain(v) for k, v in self.funding.items()}
        if self.funding_text_column:
            data["funding_note"] = self.funding_note
        data.update(plain(self._pre_tracking_values()))
        if self.changes:
            data["changes"] = {k: {"old": plain(o), "new": plain(n)} for k, (o, n) in self.changes.items()}
        return data


@dataclass
class ImportReport:
    filename: str
    sha256: str
    years: list[int]
    dry_run: bool = False
    projects: list[ProjectRecord] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    batch_id: int | None = None
    category_totals: dict[int, dict] = field(default_factory=dict)  # number -> {"name", "count", "total"}

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        actions = [p.action for p in self.projects]
        return {
            "created": actions.count(CREATED),
            "updated": actions.count(UPDATED),
            "unchanged": actions.count(UNCHANGED),
            "renumbered": actions.count(RENUMBERED),
            "withdrawn": len(self.withdrawn),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "file": self.filename,
            "sha256": self.sha256,
            "batch_id": self.batch_id,
            "counts": self.counts,
            "projects": [p.to_dict(self.years) for p in self.projects],
            "withdrawn": list(self.withdrawn),
            "issues": [i.to_dict() for i in self.issues],
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def wan(value: Decimal | None) -> str:
    """An amount for a message, by the one amount rule: 13720.0000 → 13,720, 0.5000 → 0.5."""
    return format_wan(value)


def _month(value: date | None) -> str | None:
    return f"{value.year:04d}-{value.month:02d}" if value else None


def plain(value):
    """JSON-friendly: Decimal → int or float, dates → ISO text, lists and dicts recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def display_value(value) -> str:
    """A diff value as the preview shows it: lists joined, annual plans by year, months as 2021年3月."""
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        if all(isinstance(k, int) for k in value):  # an annual plan, by year
            return "；".join(f"{y}年 {wan(a)}" for y, a in sorted(value.items()))
        return "；".join(f"{name} {wan(a)}" for name, a in value.items())  # funding, by source
    if isinstance(value, Decimal):
        return wan(value)
    if isinstance(value, date):  # a planned month (the 1st), or an as-of date such as 2020-12-31
        return f"{value.year}年{value.month}月" + (f"{value.day}日" if value.day != 1 else "")
    return str(value)
