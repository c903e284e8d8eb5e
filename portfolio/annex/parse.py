"""Walking the sheets: header, row kinds, and one ProjectRecord per project row, collecting every issue."""

from dataclasses import dataclass, field
from decimal import Decimal

from portfolio.annex import classify as kinds
from portfolio.annex import values
from portfolio.annex.classify import MONEY_FIELDS, PlanContext, classify_row, declared_count
from portfolio.annex.fingerprint import SkippedRow, row_digest, sheet_salt
from portfolio.annex.header import Column, Header, find_header
from portfolio.annex.reader import Sheet
from portfolio.annex.records import RowReader
from portfolio.annex.report import ERROR, WARNING, Issue, ProjectRecord
from portfolio.fields import FIELDS, span_label
from portfolio.funding.parse import source_key


@dataclass
class Aggregate:
    """A category or 合计 row: the totals the annex states, to compare with the sum of its projects."""

    sheet: str
    row: int
    category: int | None  # None for the grand total
    declared_count: int | None
    amounts: dict[str, Decimal | None]  # "total_investment_wan", "span_investment_wan", "annual:2021" …
    columns: dict[str, tuple[str, str]]


@dataclass
class Parsed:
    records: list[ProjectRecord] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    aggregates: list[Aggregate] = field(default_factory=list)
    new_subcategories: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class Cursor:
    sheet: Sheet
    header: Header
    category: int | None = None
    subcategory: str | None = None
    sheet_category: int | None = None  # one sheet per category: its 合计 row totals that category
    reader: RowReader | None = None
    salt: bytes = b""  # the sheet's part of each row's digest
    known: dict[str, int] = field(default_factory=dict)  # skippable rows' digests -> project ids


def parse_sheets(sheets: list[Sheet], ctx: PlanContext, known: dict[str, int] | None = None) -> Parsed:
    """Every visible sheet with a recognisable header contributes its project rows.

    A project row whose digest is in `known` is not read (a SkippedRow of that project): the project was
    last imported from these very cells, without any issue, and has not been edited since."""
    parsed = Parsed()
    found = False
    for sheet in sheets:
        header = find_header(sheet, ctx.span_name, ctx.years)
        if header is None:
            parsed.issues.append(
                Issue(
                    WARNING, "sheet-skipped", f"工作表“{sheet.name}”中没有找到表头（项目名称等列），已跳过。"
                )
            )
            continue
        found = True
        header.mark_funding(lambda label: ctx.funding.get(source_key(label)))
        _header_issues(sheet, header, ctx, parsed)
        number = _sheet_category(sheet, header, ctx)
        cursor = Cursor(sheet, header, category=number, sheet_category=number)
        cursor.salt, cursor.known = sheet_salt(sheet.name, header, ctx), known or {}
        for row_no, cells in sheet.rows:
            if row_no > header.last_row:
                _row(cursor, row_no, cells, ctx, parsed)
    if not found:
        parsed.issues.append(
            Issue(ERROR, "no-header", "没有找到含“项目名称”等列的表头，请确认上传的是重大工程项目附件。")
        )
    return parsed


def _sheet_category(sheet: Sheet, header: Header, ctx: PlanContext) -> int | None:
    """One sheet per category: the sheet's name or a title above its header names the category."""
    number = ctx.match_category(sheet.name)
    if number is not None:
        return number
    for row_no, cells in sheet.rows:
        if row_no >= header.first_row:
            break
        for v in cells:
            if isinstance(v, str) and (number := ctx.match_category(v)) is not None:
                return number
    return None


# Columns without which a project cannot be recorded: a header the importer does not know stops the import.
REQUIRED_COLUMNS = ("total_investment_wan", "span_investment_wan", "years", "units", "locations")


def _missing_message(sheet: Sheet, header: Header, key: str, ctx: PlanContext) -> str:
    """Which field is missing, which headers were not recognised, and the header texts that would be."""
    label = span_label(ctx.span_name) if key == "span_investment_wan" else FIELDS[key].label
    unknown = "、".join(f"“{c.header}”（{c.letter}列）" for c in header.unknown) or "无"
    accepted = "、".join(f"“{h}”" for h in dict.fromkeys((label, *FIELDS[key].headers[:3])))
    return (
        f"工作表“{sheet.name}”第 {header.first_row} 行的表头中找不到“{label}”列（必需），整个文件未导入。"
        f"表头中无法识别的列：{unknown}。请把该列的表头改为 {accepted} 等名称后重新导入。"
    )


def _header_issues(sheet: Sheet, header: Header, ctx: PlanContext, parsed: Parsed) -> None:
    for col in header.unknown:
        parsed.issues.append(
            Issue(
                WARNING,
                "unknown-column",
                f"无法识别的列“{col.header}”，已忽略。",
                sheet.name,
                header.first_row,
                col.letter,
                col.header,
            )
        )
    for col in header.off_span:
        parsed.issues.append(
            Issue(
                WARNING,
                "unknown-column",
                f"列“{col.header}”的年份不在规划期 {ctx.years[0]}–{ctx.years[-1]} 年内，已忽略。",
                sheet.name,
                header.first_row,
                col.letter,
                col.header,
            )
        )
    cols = header.by_field()
    for key in REQUIRED_COLUMNS:
        if key not in cols:
            parsed.issues.append(
                Issue(
                    ERROR,
                    "missing-column",
                    _missing_message(sheet, header, key, ctx),
                    sheet.name,
                    header.first_row,
                )
            )
    missing_years = [y for y in ctx.years if y not in header.annual]
    if header.annual and missing_years:
        parsed.issues.append(
            Issue(
                WARNING,
                "missing-column",
                f"缺少 {'、'.join(map(str, missing_years))} 年的分年度投资列。",
                sheet.name,
                header.first_row,
            )
        )


def _row(cursor: Cursor, row_no: int, cells: list, ctx: PlanContext, parsed: Parsed) -> None:
    kind, detail = classify_row(cells, cursor.header, ctx, cursor.category)
    sheet = cursor.sheet.name
    if kind == kinds.CATEGORY:
        cursor.category, cursor.subcategory = detail, None
        parsed.aggregates.append(_aggregate(cursor, row_no, cells, detail))
    elif kind == kinds.TOTAL and cursor.header.by_field().get("name"):
        if not str(detail).lstrip("0123456789.、").startswith("小计"):
            parsed.aggregates.append(_aggregate(cursor, row_no, cells, cursor.sheet_category))
    elif kind == kinds.SUBCATEGORY:
        _subcategory(cursor, row_no, str(detail), ctx, parsed)
    elif kind == kinds.UNKNOWN_CATEGORY:
        cursor.category, cursor.subcategory = None, None
        col = cursor.header.by_field().get("name")
        parsed.issues.append(
            Issue(
                ERROR,
                "unknown-category",
                f"类别“{detail}”不在本规划的类别中。已知类别：{ctx.known_list()}",
                sheet,
                row_no,
                col.letter if col else None,
                col.header if col else None,
                detail,
            )
        )
    elif kind == kinds.PROJECT:
        record = build_record(cursor, row_no, cells, ctx, parsed.issues)
        if record is not None:
            parsed.records.append(record)


def _subcategory(cursor: Cursor, row_no: int, name: str, ctx: PlanContext, parsed: Parsed) -> None:
    if cursor.category is None:
        return
    cursor.subcategory = name
    if ctx.match_subcategory(cursor.category, name) is None:
        known = parsed.new_subcategories.setdefault(cursor.category, [])
        if name not in known:
            known.append(name)
            parsed.issues.append(
                Issue(
                    WARNING,
                    "new-subcategory",
                    f"子类“{name}”不在{ctx.categories[cursor.category]}的子类中，导入时将新增该子类。",
                    cursor.sheet.name,
                    row_no,
                    None,
                    None,
                    name,
                )
            )


def _aggregate(cursor: Cursor, row_no: int, cells: list, category: int | None) -> Aggregate:
    header = cursor.header
    cols: dict[str, Column] = {k: c for k, c in header.by_field().items() if k in MONEY_FIELDS}
    cols.update({f"annual:{y}": c for y, c in header.annual.items()})
    amounts = {}
    for key, col in cols.items():
        try:
            amounts[key] = values.money(_get(cells, col), col.scale or header.scale)
        except values.ValueProblem:
            amounts[key] = None
    label = kinds.row_label(cells, header)
    return Aggregate(
        cursor.sheet.name,
        row_no,
        category,
        declared_count(label),
        amounts,
        {k: (c.letter, c.header) for k, c in cols.items()},
    )


def _get(cells: list, col: Column | None):
    if col is None or col.index >= len(cells):
        return None
    return cells[col.index]


def build_record(cursor: Cursor, row_no: int, cells: list, ctx: PlanContext, issues: list[Issue]):
    """A project row as a record, or None (with an error) when no category row came before it."""
    if cursor.reader is None:
        cursor.reader = RowReader(cursor.header, ctx.years, ctx.county_names, cursor.sheet.name, ctx.funding)
    reader = cursor.reader
    if cursor.category is None:
        col = reader.name
        issues.append(
            Issue(
                ERROR,
                "no-category",
                "项目行之前没有类别行，无法确定项目所属类别。",
                cursor.sheet.name,
                row_no,
                col.letter if col else None,
                col.header if col else None,
                reader.name_of(cells),
            )
        )
        return None
    digest = row_digest(cursor.salt, row_no, cursor.category, cursor.subcategory, cells)
    project_id = cursor.known.get(digest)
    if project_id is None:
        record = reader.read(row_no, cells, cursor.category, cursor.subcategory, issues)
    else:
        record = SkippedRow(reader, ctx.locations, row_no, cells, cursor.category, cursor.subcategory)
        record.project_id = project_id
    record.fingerprint = digest
    return record
