"""The fill-in template (进度填报模板): one row per project the user may report on, for one period.

Identity columns are locked; input cells are unlocked and validated (status dropdown, number ranges).
After the fixed columns come the funds received this period (本期到位资金), one column per funding source
of the plan. Project ids and report versions sit in hidden columns; a very hidden sheet holds the period,
the sources' ids and an HMAC of the period, the project ids and the source ids under the app's secret key,
so an upload can prove it came from here unaltered.

A sheet layout with input columns is issued as a template the same way (layouts.template): its columns in its
order, the inputs unlocked and validated as here, the rest locked context. Its `_meta` also signs the layout's
id and version, the scope and the column map (each column's key and header, `LayoutStamp`), so the upload
reads its columns by key, not by position.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portfolio.db import LabelledEnum
from portfolio.errors import DomainError
from portfolio.exports.progress_sheet import ordered_projects, units_lead_first
from portfolio.exports.queries import list_period_reports, list_template_projects
from portfolio.exports.safe_text import clean_text
from portfolio.exports.sheet_layout import (
    NUMERIC_STYLES,
    Book,
    Column,
    ExportFile,
    chinese_date,
    fit_row_height,
    period_label,
    reporting_unit,
    write_notes,
    write_number,
    write_text,
)
from portfolio.fields import FIELDS
from portfolio.funding.models import FundingSource
from portfolio.funding.queries import funds_of_reports, list_sources
from portfolio.localtime import local_today
from portfolio.projects.models import LifecycleStatus
from portfolio.reporting.models import ReportingPeriod
from portfolio.reporting.periods import is_open
from portfolio.reporting.services import EDITABLE

FORMAT_TAG = "portfolio-progress-template/1"
DATA_SHEET = "进度填报"
META_SHEET = "_meta"
COLUMN_ENTRY = "column"  # a _meta row (column, token, header) per sheet column of a layout's template
FIRST_DATA_ROW = 3  # zero-based: title, notes, header, then data
HIDDEN = ("project_id", "version")  # the first two columns, hidden
MAX_TEXT = 2000


@dataclass(frozen=True)
class TemplateColumn(Column):
    field: str | None = None  # the ReportInput field an input column fills
    shows: str | None = None  # a layout's read-only column: the layout column key it shows

    @property
    def token(self) -> str:
        """The column in the signed column map: its key, or show:<layout key> for a context column."""
        return f"show:{self.shows}" if self.shows else self.key


COLUMNS = [
    TemplateColumn("project_id", "项目ID", 8, "int"),
    TemplateColumn("version", "报告版本", 8, "int"),
    TemplateColumn("seq", "序号", 6, "int"),
    TemplateColumn("name", FIELDS["name"].label, 30),
    TemplateColumn("locations", FIELDS["locations"].label, 10, "center"),
    TemplateColumn("units", FIELDS["units"].label, 18),
    TemplateColumn("annual_plan", "年度计划投资（万元）", 12, "money"),
    TemplateColumn("current_status", "当前状态", 8, "center"),
    TemplateColumn("report_status", "本期报告状态", 9, "center"),
    TemplateColumn("invested_wan", "本期完成投资（万元）", 13, "money", field="invested_wan"),
    TemplateColumn("percent_complete", "累计完成比例（%）", 11, "rate", field="percent_complete"),
    TemplateColumn("progress_text", "形象进度", 34, field="progress_text"),
    TemplateColumn("new_status", "项目状态变更", 11, "center", field="new_status"),
    TemplateColumn("problems", "存在问题", 26, field="problems"),
    TemplateColumn("next_steps", "下步计划", 26, field="next_steps"),
    TemplateColumn("coordination", "需协调事项", 22, field="coordination"),
]
HEADERS = [c.header for c in COLUMNS]
ID_COLUMNS = COLUMNS[:2]  # project id and report version, hidden, first in every template
# What a template may ask for: the fields of a period's report, by input key (and fund:<source id>).
INPUTS = {c.key: c for c in COLUMNS if c.field}
REQUIRED = ("invested_wan", "percent_complete", "progress_text")  # what a submitted report must hold
FUNDS = "funds"  # the field of the funding columns: one per source, the funds received this period


def fund_key(source_id: int) -> str:
    """The input key of one source's 本期到位资金 column."""
    return f"fund:{source_id}"


def funding_header(source_name: str) -> str:
    return f"本期到位资金：{source_name}（万元）"


def template_columns(sources: list[FundingSource]) -> list[TemplateColumn]:
    """The fixed columns, then one 本期到位资金 column per funding source, in the plan's order."""
    return COLUMNS + [
        TemplateColumn(fund_key(s.id), funding_header(s.name), 14, "money", field=FUNDS) for s in sources
    ]


@dataclass(frozen=True)
class LayoutStamp:
    """What a layout's template signs besides the period and the projects: the layout at its version, the
    scope it was issued for, and the column map, (token, header) per sheet column."""

    layout_id: int
    version: int
    name: str
    scope: str
    columns: tuple[tuple[str, str], ...]

    def signed(self) -> str:
        columns = "\x1f".join(f"{token}={header}" for token, header in self.columns)
        return f"layout={self.layout_id}:{self.version}:{self.name}|scope={self.scope}|columns={columns}"


def signature(
    secret: str, plan_id: int, period_code: str, project_ids, source_ids=(), stamp: LayoutStamp | None = None
) -> str:
    """HMAC-SHA256 over the plan, the period, the sorted project ids (row order may change), the
    funding columns' source ids in column order (a template without funding columns signs none) and, for a
    layout's template, its stamp."""
    message = f"{plan_id}|{period_code}|{','.join(str(i) for i in sorted(project_ids))}"
    if source_ids:
        message += f"|{','.join(str(i) for i in source_ids)}"
    if stamp is not None:
        message += f"|{stamp.signed()}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _rules() -> dict[str, dict]:
    """Excel's own check of each input field, by the ReportInput field (or FUNDS) a column fills."""
    text = {
        "validate": "length",
        "criteria": "<=",
        "value": MAX_TEXT,
        "error_message": f"内容不能超过 {MAX_TEXT} 字。",
    }
    return {
        "invested_wan": {"validate": "decimal", "criteria": ">=", "value": 0,
                         "error_message": "本期完成投资应为不小于 0 的数字（单位：万元）。"},
        "percent_complete": {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
                             "error_message": "累计完成比例应为 0 到 100 之间的数字。"},
        "new_status": {"validate": "list", "source": [s.label for s in LifecycleStatus],
                       "error_message": "请从下拉列表中选择项目状态；不变更则留空。"},
        FUNDS: {"validate": "decimal", "criteria": ">=", "value": 0,
                "error_message": "本期到位资金应为不小于 0 的数字（单位：万元），未到位留空。"},
        **{key: text for key in ("progress_text", "problems", "next_steps", "coordination")},
    }  # fmt: skip


def _validations(ws, first: int, last: int, columns: list[TemplateColumn]) -> None:
    rules, common = _rules(), {"error_title": "填写有误", "error_type": "stop"}
    for c, column in enumerate(columns):
        if column.field:
            ws.data_validation(first, c, last, c, {**rules[column.field], **common})


def input_values(report, funds: dict) -> dict:
    """What the input columns hold on issue: the period's report as it stands (status as its label), its
    funds received by fund key, and whether the row is locked (a submitted or approved report cannot be
    changed by an upload)."""
    values = {"version": report.version if report else None}
    for key, column in INPUTS.items():
        value = getattr(report, column.field) if report else None
        values[key] = value.label if isinstance(value, LifecycleStatus) else value
    values.update({fund_key(sid): amount for sid, amount in funds.items()})
    values["locked"] = report is not None and report.status not in EDITABLE
    return values


def _row_values(project, report, annual_plan, seq: int, funds: dict) -> dict:
    return {
        "project_id": project.id,
        "seq": seq,
        "name": project.name,
        "locations": "、".join(loc.name for loc in project.locations),
        "units": units_lead_first(project),
        "annual_plan": annual_plan,
        "current_status": project.status.label,
        "report_status": report.status.label if report else "未填报",
        **input_values(report, funds),
    }


def _note_keys(columns: list[TemplateColumn]) -> tuple[str, ...]:
    """The definitions of the figures the sheet shows and asks for."""
    keys = ("report_state", "counted_reports", "period_invested")
    return (*keys, "funds_received") if any(c.field == FUNDS for c in columns) else keys


@dataclass(frozen=True)
class TemplatePage:
    """The data sheet's title and print setup."""

    title: str
    unit: str  # 填报单位
    today: date
    paper: int = 8  # A3
    landscape: bool = True
    frozen: int = 4  # columns kept in view: the hidden ids, then 序号 and 项目名称


def _write_cell(book: Book, ws, r: int, c: int, column: TemplateColumn, value, editable: bool) -> None:
    tint = {"unlocked": True} if editable else {"tint": "subcategory"}
    if isinstance(value, LabelledEnum):
        value = value.label
    numeric = column.style in NUMERIC_STYLES
    if numeric and (
        value is None or (isinstance(value, Decimal | int | float) and not isinstance(value, bool))
    ):
        write_number(book, ws, r, c, value, column.style, **tint)
    else:  # a context figure may be a report state's name (本期完成投资 of a project not yet approved)
        write_text(book, ws, r, c, value, "center" if numeric else column.style, **tint)


def write_data_sheet(book: Book, page: TemplatePage, rows: list[dict], columns: list[TemplateColumn]) -> None:
    """The sheet the officer fills in: title, how to fill it, the header, one row per project, 口径说明."""
    ws = book.sheet(DATA_SHEET)
    last_col = len(columns) - 1
    ws.set_row(0, 28)
    ws.merge_range(0, 0, 0, last_col, clean_text(page.title), book.fmt("title"))
    note = (
        f"填报单位：{page.unit}　下载日期：{chinese_date(page.today)}　单位：万元。"
        "灰色列为项目信息，不可修改；"
        "白色列请填写（本期到位资金按来源填写，未到位留空），填好后在系统“调度表导出”页上传，"
        "每行生成一份已报送的进度报告；不填的行将被跳过。本期报告已报送（待审核）或已通过的行为灰色、"
        "已锁定，不能修改，如需修改请联系市级牵头部门退回。"
    )
    ws.set_row(1, 32)
    ws.merge_range(1, 0, 1, last_col, note, book.fmt("note"))
    ws.set_row(2, 32)
    fit_row_height(ws, 2, {c.key: c.header for c in columns}, columns)  # the funding headers run long
    for c, column in enumerate(columns):
        write_text(book, ws, 2, c, column.header, "header")
        ws.set_column(c, c, column.width, None, {"hidden": column.key in HIDDEN})
    for r, values in enumerate(rows, start=FIRST_DATA_ROW):
        fit_row_height(ws, r, values, columns)
        for c, column in enumerate(columns):
            editable = bool(column.field) and not values["locked"]
            _write_cell(book, ws, r, c, column, values.get(column.key), editable)
    if rows:
        _validations(ws, FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows) - 1, columns)
    # Below a blank row, which ends the data rows for the reader (template_upload._project_ids).
    write_notes(book, ws, FIRST_DATA_ROW + len(rows), columns, _note_keys(columns), first=len(HIDDEN))
    ws.freeze_panes(FIRST_DATA_ROW, page.frozen)
    ws.protect("", {"format_columns": True, "format_rows": True})
    if page.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(page.paper)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)
    ws.activate()


def write_meta(
    book: Book,
    actor,
    period: ReportingPeriod,
    ids: list[int],
    source_ids: list[int],
    secret: str,
    stamp: LayoutStamp | None = None,
) -> None:
    """The very hidden sheet an upload proves the template's origin with; a layout's adds its stamp."""
    ws = book.sheet(META_SHEET)
    entries = [
        ("format", FORMAT_TAG),
        ("plan_id", str(period.plan_id)),
        ("period_id", str(period.id)),
        ("period_code", period.code),
        ("user", getattr(actor, "username", "") or ""),
        ("project_ids", ",".join(str(i) for i in ids)),
        ("source_ids", ",".join(str(i) for i in source_ids)),
        ("signature", signature(secret, period.plan_id, period.code, ids, source_ids, stamp)),
    ]
    if stamp is not None:
        entries += [
            ("layout_id", str(stamp.layout_id)),
            ("layout_version", str(stamp.version)),
            ("layout_name", stamp.name),
            ("scope", stamp.scope),
        ]
        entries += [(COLUMN_ENTRY, token, header) for token, header in stamp.columns]
    for r, (key, *values) in enumerate(entries):
        ws.write_string(r, 0, key)
        for c, value in enumerate(values, start=1):
            ws.write_string(r, c, value)
    ws.protect()
    ws.very_hidden()


def ensure_template_period(period: ReportingPeriod, today: date) -> None:
    """A template is issued only for a period still open for reports."""
    if not is_open(period, today):
        raise DomainError(
            f"{period.code} 期间已锁定，不能再下载填报模板；如需补报，请联系市级牵头部门重新开放。"
        )


def export_template(actor, period: ReportingPeriod, secret: str, today: date | None = None) -> ExportFile:
    """A fill-in workbook for a period holding the projects this user may report on."""
    today = today or local_today()
    ensure_template_period(period, today)
    projects = ordered_projects(list_template_projects(actor, period.plan))
    if not projects:
        raise DomainError("您的填报范围内没有项目，无法生成填报模板。")
    reports = list_period_reports(projects, period)
    plans = {
        p.id: next((a.amount_wan for a in p.annual_plans if a.year == period.year), None) for p in projects
    }
    sources = list_sources(period.plan_id)
    received = funds_of_reports([r.id for r in reports.values()])
    funds = {pid: received.get(r.id, {}) for pid, r in reports.items()}
    rows = [
        _row_values(p, reports.get(p.id), plans[p.id], i, funds.get(p.id, {}))
        for i, p in enumerate(projects, start=1)
    ]
    book = Book()
    unit = reporting_unit(actor)
    title = f"“{period.plan.short_name}”生态环境保护重大工程项目进度填报表（{period_label(period)}）"
    write_data_sheet(book, TemplatePage(title, unit, today), rows, template_columns(sources))
    write_meta(book, actor, period, [p.id for p in projects], [s.id for s in sources], secret)
    return ExportFile(
        book.close(),
        f"进度填报模板_{unit}_{period_label(period)}.xlsx",
        f"progress-template-{period.code}.xlsx",
    )
