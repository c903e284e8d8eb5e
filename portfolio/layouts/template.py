"""A layout issued as a fill-in template: its columns in its order, the input columns unlocked and validated
as on today's template, the others locked read-only context.

The workbook is today's template (exports.template_sheet): the same data sheet, the same hidden project ids
and report versions, the same signed `_meta`, which here also signs the layout's id and version, the scope
and the column map (each column's key and header), so the one upload (exports.template_upload) reads the
figures by key. One row per project: a template has no 小计 or 合计 rows, whatever the layout's grouping.
"""

from dataclasses import replace
from datetime import date

from portfolio.errors import DomainError
from portfolio.exports.queries import list_period_reports
from portfolio.exports.sheet_layout import Book, ExportFile, period_label, reporting_unit
from portfolio.exports.template_sheet import (
    FUNDS,
    ID_COLUMNS,
    INPUTS,
    LayoutStamp,
    TemplateColumn,
    TemplatePage,
    ensure_template_period,
    input_values,
    write_data_sheet,
    write_meta,
)
from portfolio.funding.queries import funds_of_reports
from portfolio.layouts.catalogue import input_key
from portfolio.layouts.models import SheetLayout
from portfolio.layouts.sheets import layout_columns, load_projects, prepare
from portfolio.layouts.spec import PAPERS, LayoutSpec, expand_title
from portfolio.localtime import local_today
from portfolio.reporting.models import ReportingPeriod
from portfolio.reporting.queries import NOT_REPORTING


def template_columns(spec: LayoutSpec, plan_short_name: str) -> list[TemplateColumn]:
    """The hidden ids, then the layout's columns: an input takes today's template's key, style and checks
    (a source's 本期到位资金 is fund:<id>), a context column shows its layout key."""
    columns = list(ID_COLUMNS)
    for n, (column, shown) in enumerate(
        zip(spec.columns, layout_columns(spec, plan_short_name), strict=True)
    ):
        header = f"{shown.group}／{shown.header}" if shown.group else shown.header
        key = input_key(column.key) if column.input else None
        if key is None:
            columns.append(TemplateColumn(f"show{n}", header, column.width, column.style, shows=column.key))
        elif key in INPUTS:
            columns.append(
                TemplateColumn(key, header, column.width, INPUTS[key].style, field=INPUTS[key].field)
            )
        else:
            columns.append(TemplateColumn(key, header, column.width, "money", field=FUNDS))
    return columns


def _rows(actor, spec: LayoutSpec, period: ReportingPeriod, today: date) -> tuple[list[dict], list[int]]:
    """One row per reporting project of the layout in the user's scope, in the layout's order; their ids."""
    projects = [p for p in load_projects(actor, spec, period, None) if p.status not in NOT_REPORTING]
    flat = replace(spec, grouping="none", totals=False)
    body = [row for row in prepare(actor, flat, period, projects, today=today).rows if row.kind == "project"]
    listed = [row.values["_project"] for row in body]
    reports = list_period_reports(listed, period)
    received = funds_of_reports([r.id for r in reports.values()])
    rows = []
    for row, project in zip(body, listed, strict=True):
        report = reports.get(project.id)
        values = {f"show{n}": row.values.get(c.key) for n, c in enumerate(spec.columns)}
        values |= input_values(report, received.get(report.id, {}) if report else {})
        rows.append(values | {"project_id": project.id})
    return rows, [p.id for p in listed]


def export_layout_template(
    actor, layout: SheetLayout, period: ReportingPeriod, secret: str, today: date | None = None
) -> ExportFile:
    """The layout as a fill-in workbook for a period, holding the projects this user may report on."""
    spec = LayoutSpec.from_dict(layout.spec)
    if not spec.inputs:
        raise DomainError(f"报表版式“{layout.name}”没有填报列，不能下载填报模板。")
    today = today or local_today()
    ensure_template_period(period, today)
    rows, ids = _rows(actor, spec, period, today)
    if not rows:
        raise DomainError(f"您的填报范围内没有符合报表版式“{layout.name}”筛选条件的项目，无法生成填报模板。")
    unit = reporting_unit(actor)
    columns = template_columns(spec, period.plan.short_name)
    title = expand_title(spec.title, period.plan.short_name, period_label(period), None)
    page = TemplatePage(title, unit, today, PAPERS.get(spec.paper, 9), spec.orientation != "portrait", 3)
    stamp = LayoutStamp(
        layout.id, layout.version, layout.name, unit, tuple((c.token, c.header) for c in columns)
    )
    book = Book()
    write_data_sheet(book, page, rows, columns)
    write_meta(book, actor, period, ids, [], secret, stamp)
    return ExportFile(
        book.close(),
        f"{layout.name}_填报模板_{unit}_{period_label(period)}.xlsx",
        f"layout-template-{layout.id}-{period.code}.xlsx",
    )
