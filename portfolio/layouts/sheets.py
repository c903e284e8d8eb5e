"""Producing sheets from layouts: one for a period and scope, a preview of its first rows, a zip of all.

The projects are the user's visible ones (permissions.visible_projects) under the layout's filters; the
figures are the progress read model's for the period (approved reports only) and funding's.
"""

import io
import zipfile
from dataclasses import dataclass, replace
from datetime import date

from portfolio.collector import collector_paused
from portfolio.definitions.reports import report_state
from portfolio.errors import DomainError
from portfolio.exports.filenames import safe_filename
from portfolio.exports.progress_sheet import SheetRow
from portfolio.exports.queries import list_report_statuses
from portfolio.exports.sheet_layout import (
    NUMERIC_STYLES,
    Book,
    Column,
    ExportFile,
    chinese_date,
    period_label,
    reporting_unit,
)
from portfolio.exports.sheet_projects import load_sheet_projects
from portfolio.funding.queries import list_sources
from portfolio.layouts.catalogue import ITEM_KEYS, REPORT_KEYS, catalogue
from portfolio.layouts.models import SheetLayout
from portfolio.layouts.queries import (
    layout_projects_stmt,
    list_all_sources,
    list_approved_report_fields,
    list_full_projects,
    list_layouts,
)
from portfolio.layouts.render import SheetText, write_layout_sheet
from portfolio.layouts.rows import funding_values, item_values, layout_rows, reads_progress
from portfolio.layouts.spec import COUNT, LayoutSpec, expand_title
from portfolio.localtime import local_today
from portfolio.projects.models import Location
from portfolio.reporting.models import ReportingPeriod
from portfolio.reporting.progress import progress_for
from portfolio.supervision.queries import latest_items

PREVIEW_ROWS = 10


@dataclass(frozen=True)
class Prepared:
    columns: list[Column]
    rows: list[SheetRow]
    count: int  # projects listed


def layout_columns(spec: LayoutSpec, plan_short_name: str) -> list[Column]:
    """The sheet's columns; a header may name the plan ({规划}), as “十四五”投资 does."""
    return [
        Column(
            c.key,
            c.header.replace("{规划}", plan_short_name),
            c.width,
            c.style,
            c.group.replace("{规划}", plan_short_name) or None,
        )
        for c in spec.columns
    ]


def with_plan_sources(spec: LayoutSpec, plan_id: int) -> LayoutSpec:
    """The layout with each funding column on the period's plan's source of the same name.

    Sources belong to a plan, and a column names the one chosen in the editor: a layout made under one
    plan would show blank funding for another plan's periods (the 十五五's 中央预算内投资 is another row)."""
    sources = list_all_sources()
    own = {s.name: s.id for s in sources if s.plan_id == plan_id}
    names = {str(s.id): s.name for s in sources}
    columns = []
    for column in spec.columns:
        head, _, sid = column.key.rpartition(":")
        if column.key.startswith("fund:") and names.get(sid) in own:
            column = replace(column, key=f"{head}:{own[names[sid]]}")
        columns.append(column)
    return replace(spec, columns=columns)


# Fields the sheets' plain project rows (exports.sheet_projects) do not carry.
FULL_FIELDS = {"nature", "content", "project_code", "note"}


def load_projects(actor, spec: LayoutSpec, period: ReportingPeriod, county: Location | None, narrowed=None):
    """The layout's projects: plain rows in a fixed number of queries, ORM objects if a column needs them."""
    stmt = layout_projects_stmt(actor, period.plan, spec.filters, county, narrowed)
    annual = any(c.key.startswith("annual:") for c in spec.columns)
    if annual or any(c.key in FULL_FIELDS for c in spec.columns):
        return list_full_projects(stmt, annual)
    return load_sheet_projects(stmt)


def _warned(spec: LayoutSpec, projects: list, progress, items: dict) -> list:
    """The projects at the filter's warning levels, and (if asked) those under an open 督办 item."""
    levels = spec.filters.warning
    return [
        p
        for p in projects
        if progress[p.id].warning.level.value in levels
        or (spec.filters.supervised and p.id in items and items[p.id].is_open)
    ]


def needs_progress(spec: LayoutSpec, keys: list[str]) -> bool:
    """Whether the sheet reads the progress read model (and the period's report states): a column, the
    warning filter, a sort, the 调度表's own grouping or the notes' report counts; a sheet of project
    fields and funding alone skips it (at 10,000 projects, a fifth of the export)."""
    return (
        spec.grouping == "category"
        or bool(spec.filters.warning)
        or spec.sort in ("rate_asc", "warning")
        or (spec.notes and spec.report_counts)
        or any(map(reads_progress, keys))
    )


def prepare(
    actor,
    spec: LayoutSpec,
    period: ReportingPeriod,
    projects: list,
    progress=None,
    statuses=None,
    today: date | None = None,
) -> Prepared:
    """The columns and body rows of a layout for a period over these (visible, filtered) projects.

    A caller writing several sheets over parts of one set of projects passes their `progress` and report
    `statuses`, read once (the per-county workbook read them once per county). `today` decides whether
    a 督办 item is overdue."""
    spec = with_plan_sources(spec, period.plan_id)
    keys = [c.key for c in spec.columns]
    if not needs_progress(spec, keys):
        progress = states = None
    elif progress is None:
        progress = progress_for(projects, period.ends_on, period)
    wants_items = spec.filters.supervised or ITEM_KEYS.intersection(keys)
    items = latest_items([p.id for p in projects]) if wants_items else {}
    if spec.filters.warning:
        projects = _warned(spec, projects, progress, items)
    if progress is not None:
        if statuses is None:  # (project, status) pairs, not 10,000 report objects
            statuses = list_report_statuses(projects, period)
        states = {p.id: report_state(statuses.get(p.id)) for p in projects}
    ids = [p.id for p in projects]
    extra = funding_values(ids, period, keys) if any(k.startswith("fund:") for k in keys) else {}
    if REPORT_KEYS.intersection(keys):
        reported = list_approved_report_fields(ids, period)
        extra = {pid: {**extra.get(pid, {}), **reported.get(pid, {})} for pid in ids}
    if ITEM_KEYS.intersection(keys):
        day = today or local_today()
        extra = {pid: {**extra.get(pid, {}), **item_values(items.get(pid), day)} for pid in ids}
    choices = catalogue(list_sources(period.plan_id), period.plan.years)
    sums = [k for k in keys if k in choices and choices[k].summed]  # group rows add up only these
    rows = layout_rows(
        projects, progress, states, extra, spec.grouping, spec.sort, sums, frozenset(keys), spec.totals
    )
    return Prepared(layout_columns(spec, period.plan.short_name), rows, len(projects))


def sheet_text(
    actor, spec: LayoutSpec, period: ReportingPeriod, county: Location | None, today, count: int
) -> SheetText:
    title = expand_title(spec.title, period.plan.short_name, period_label(period), county and county.name)
    return SheetText(
        title,
        f"填报单位：{reporting_unit(actor, county)}",
        f"日期：{chinese_date(today)}",
        spec.unit_note.replace(COUNT, str(count)),
    )


def write_layout(
    book: Book,
    actor,
    sheet: str,
    spec: LayoutSpec,
    period,
    county,
    today: date,
    projects,
    note: str = "",
    read=None,
) -> None:
    """One sheet of the layout in the workbook, over these projects; `note` follows the report counts.
    `read` is (progress, statuses) already read for a larger set of projects (see prepare)."""
    progress, statuses = read or (None, None)
    prepared = prepare(actor, spec, period, projects, progress, statuses, today)
    text = sheet_text(actor, spec, period, county, today, prepared.count)
    write_layout_sheet(book, spec, sheet, prepared.columns, prepared.rows, text, note)


def _filename(name: str, period: ReportingPeriod, county: Location | None) -> str:
    where = f"_{county.name}" if county else ""
    return f"{name}{where}_{period_label(period)}.xlsx"


@collector_paused()
def export_layout(
    actor,
    layout: SheetLayout,
    period: ReportingPeriod,
    county: Location | None = None,
    today: date | None = None,
) -> ExportFile:
    """A layout's sheet for a period, with the user's scope (and a county, if chosen) applied."""
    spec = LayoutSpec.from_dict(layout.spec)
    book = Book()
    projects = load_projects(actor, spec, period, county)
    write_layout(
        book, actor, spec.sheet_name or layout.name, spec, period, county, today or local_today(), projects
    )
    return ExportFile(
        book.close(), _filename(layout.name, period, county), f"layout-{layout.id}-{period.code}.xlsx"
    )


@collector_paused()
def export_all_layouts(
    actor, period: ReportingPeriod, county: Location | None = None, today: date | None = None
) -> ExportFile:
    """One zip holding every layout's sheet for the period; with no layout saved yet, refused (an empty
    zip told nobody anything)."""
    layouts = list_layouts()
    if not layouts:
        raise DomainError("还没有报表版式可打包：请先在“报表版式”页面新建；内置的调度表、督办清单另有下载。")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for layout in layouts:
            file = export_layout(actor, layout, period, county, today)
            archive.writestr(safe_filename(file.filename), file.content)
    where = f"_{county.name}" if county else ""
    return ExportFile(
        buffer.getvalue(),
        f"全部报表{where}_{period_label(period)}.zip",
        f"layouts-{period.code}.zip",
    )


@dataclass(frozen=True)
class Preview:
    title: str
    headers: list[str]
    rows: list[tuple[str, list[str]]]  # (kind, cell texts)
    numeric: list[bool]  # right-aligned columns


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "label"):
        return value.label
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    return str(value)


def preview_layout(actor, spec: LayoutSpec, period: ReportingPeriod, limit: int = PREVIEW_ROWS) -> Preview:
    """The title, headers and first rows of what the sheet will hold, for the editor."""
    prepared = prepare(actor, spec, period, load_projects(actor, spec, period, None))
    text = sheet_text(actor, spec, period, None, local_today(), prepared.count)
    rows = []
    for row in prepared.rows[:limit]:
        cells = []
        for column in prepared.columns:
            value = row.values.get(column.key)
            if hasattr(value, "quantize"):
                fmt = "{:,.0f}" if column.style in ("money0", "int") else "{:,.2f}"
                fmt = "{:.1f}" if column.style == "rate" else fmt
                cells.append(fmt.format(value))
            else:
                cells.append(_cell(value))
        rows.append((row.kind, cells))
    headers = [f"{c.group}／{c.header}" if c.group else c.header for c in prepared.columns]
    return Preview(text.title, headers, rows, [c.style in NUMERIC_STYLES for c in prepared.columns])
