"""The fill-in template (进度填报模板): one row per project the user may report on, for one period.

Identity columns are locked; input cells are unlocked and validated (status dropdown, number ranges).
After the fixed columns come the funds received this period (本期到位资金), one column per funding source
of the plan. Project ids and report versions sit in hidden columns; a very hidden sheet holds the period,
the sources' ids and an HMAC of the period, the project ids and the source ids under the app's secret key,
so an upload can prove it came from here unaltered.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from portfolio.errors import DomainError
from portfolio.exports.progress_sheet import ordered_projects, units_lead_first
from portfolio.exports.queries import list_period_reports, list_template_projects
from portfolio.exports.sheet_layout import (
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
FIRST_DATA_ROW = 3  # zero-based: title, notes, header, then data
HIDDEN = ("project_id", "version")  # the first two columns, hidden
MAX_TEXT = 2000


@dataclass(frozen=True)
class TemplateColumn(Column):
    field: str | None = None  # the ReportInput field an input column fills


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
REQUIRED = ("invested_wan", "percent_complete", "progress_text")  # what a submitted report must hold
FUNDS = "funds"  # the field of the funding columns: one per source, the funds received this period


def funding_header(source_name: str) -> str:
    return f"本期到位资金：{source_name}（万元）"


def template_columns(sources: list[FundingSource]) -> list[TemplateColumn]:
    """The fixed columns, then one 本期到位资金 column per funding source, in the plan's order."""
    return COLUMNS + [
        TemplateColumn(f"fund:{s.id}", funding_header(s.name), 14, "money", field=FUNDS) for s in sources
    ]


def signature(secret: str, plan_id: int, period_code: str, project_ids, source_ids=()) -> str:
    """HMAC-SHA256 over the plan, the period, the sorted project ids (row order may change) and the
    funding columns' source ids in column order (a template without funding columns signs none)."""
    message = f"{plan_id}|{period_code}|{','.join(str(i) for i in sorted(project_ids))}"
    if source_ids:
        message += f"|{','.join(str(i) for i in source_ids)}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _validations(ws, first: int, last: int, columns: list[TemplateColumn]) -> None:
    col = {c.key: i for i, c in enumerate(columns)}
    common = {"error_title": "填写有误", "error_type": "stop"}
    ws.data_validation(
        first, col["invested_wan"], last, col["invested_wan"],
        {"validate": "decimal", "criteria": ">=", "value": 0,
         "error_message": "本期完成投资应为不小于 0 的数字（单位：万元）。", **common},
    )  # fmt: skip
    ws.data_validation(
        first, col["percent_complete"], last, col["percent_complete"],
        {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
         "error_message": "累计完成比例应为 0 到 100 之间的数字。", **common},
    )  # fmt: skip
    ws.data_validation(
        first, col["new_status"], last, col["new_status"],
        {"validate": "list", "source": [s.label for s in LifecycleStatus],
         "error_message": "请从下拉列表中选择项目状态；不变更则留空。", **common},
    )  # fmt: skip
    for key in ("progress_text", "problems", "next_steps", "coordination"):
        ws.data_validation(
            first, col[key], last, col[key],
            {"validate": "length", "criteria": "<=", "value": MAX_TEXT,
             "error_message": f"内容不能超过 {MAX_TEXT} 字。", **common},
        )  # fmt: skip
    funds = [i for i, c in enumerate(columns) if c.field == FUNDS]
    if funds:
        ws.data_validation(
            first, funds[0], last, funds[-1],
            {"validate": "decimal", "criteria": ">=", "value": 0,
             "error_message": "本期到位资金应为不小于 0 的数字（单位：万元），未到位留空。", **common},
        )  # fmt: skip


def _row_values(project, report, annual_plan, seq: int, funds: dict, sources: list) -> dict:
    values = {
        "project_id": project.id,
        "version": report.version if report else None,
        "seq": seq,
        "name": project.name,
        "locations": "、".join(loc.name for loc in project.locations),
        "units": units_lead_first(project),
        "annual_plan": annual_plan,
        "current_status": project.status.label,
        "report_status": report.status.label if report else "未填报",
        # A report already submitted or approved cannot be changed by an upload: its row is locked.
        "locked": report is not None and report.status not in EDITABLE,
    }
    for column in COLUMNS:
        if column.field:
            value = getattr(report, column.field) if report else None
            values[column.key] = value.label if isinstance(value, LifecycleStatus) else value
    for source in sources:
        values[f"fund:{source.id}"] = funds.get(source.id)
    return values


def _note_keys(columns: list[TemplateColumn]) -> tuple[str, ...]:
    """The definitions of the figures the sheet shows and asks for."""
    keys = ("report_state", "counted_reports", "period_invested")
    return (*keys, "funds_received") if any(c.field == FUNDS for c in columns) else keys


def _write_data_sheet(
    book: Book, period: ReportingPeriod, unit: str, today: date, rows: list[dict], columns: list
) -> None:
    ws = book.sheet(DATA_SHEET)
    last_col = len(columns) - 1
    title = f"“{period.plan.short_name}”生态环境保护重大工程项目进度填报表（{period_label(period)}）"
    ws.set_row(0, 28)
    ws.merge_range(0, 0, 0, last_col, title, book.fmt("title"))
    note = (
        f"填报单位：{unit}　下载日期：{chinese_date(today)}　单位：万元。灰色列为项目信息，不可修改；"
        "白色列请填写（本期到位资金按来源填写，未到位留空），填好后在系统“调度表导出”页上传，"
        "每行生成一份已报送的进度报告；不填的行将被跳过。本期报告已报送（待审核）或已通过的行为灰色、"
        "已锁定，不能修改，如需修改请联系市级牵头部门退回。"
    )
    ws.set_row(1, 32)
    ws.merge_range(1, 0, 1, last_col, note, book.fmt("note"))
    ws.set_row(2, 32)
    fit_row_height(ws, 2, {c.key: c.header for c in columns}, columns)  # the funding headers run long
    for c, column in enumerate(columns):
        ws.write_string(2, c, column.header, book.fmt("header"))
        ws.set_column(c, c, column.width, None, {"hidden": column.key in HIDDEN})
    for r, values in enumerate(rows, start=FIRST_DATA_ROW):
        fit_row_height(ws, r, values, columns)
        for c, column in enumerate(columns):
            editable = column.field and not values["locked"]
            tint = {"unlocked": True} if editable else {"tint": "subcategory"}
            value = values[column.key]
            if column.style in ("money", "rate", "int"):
                write_number(book, ws, r, c, value, column.style, **tint)
            else:
                write_text(book, ws, r, c, value, column.style, **tint)
    if rows:
        _validations(ws, FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows) - 1, columns)
    # Below a blank row, which ends the data rows for the reader (template_upload._project_ids).
    write_notes(book, ws, FIRST_DATA_ROW + len(rows), columns, _note_keys(columns), first=len(HIDDEN))
    ws.freeze_panes(FIRST_DATA_ROW, 4)
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.set_landscape()
    ws.set_paper(8)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)
    ws.activate()


def _write_meta(
    book: Book, actor, period: ReportingPeriod, ids: list[int], source_ids: list[int], secret: str
) -> None:
    ws = book.sheet(META_SHEET)
    entries = [
        ("format", FORMAT_TAG),
        ("plan_id", str(period.plan_id)),
        ("period_id", str(period.id)),
        ("period_code", period.code),
        ("user", getattr(actor, "username", "") or ""),
        ("project_ids", ",".join(str(i) for i in ids)),
        ("source_ids", ",".join(str(i) for i in source_ids)),
        ("signature", signature(secret, period.plan_id, period.code, ids, source_ids)),
    ]
    for r, (key, value) in enumerate(entries):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
    ws.protect()
    ws.very_hidden()


def export_template(actor, period: ReportingPeriod, secret: str, today: date | None = None) -> ExportFile:
    """A fill-in workbook for a period holding the projects this user may report on."""
    today = today or local_today()
    if not is_open(period, today):
        raise DomainError(
            f"{period.code} 期间已锁定，不能再下载填报模板；如需补报，请联系市级牵头部门重新开放。"
        )
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
        _row_values(p, reports.get(p.id), plans[p.id], i, funds.get(p.id, {}), sources)
        for i, p in enumerate(projects, start=1)
    ]
    book = Book()
    unit = reporting_unit(actor)
    _write_data_sheet(book, period, unit, today, rows, template_columns(sources))
    _write_meta(book, actor, period, [p.id for p in projects], [s.id for s in sources], secret)
    return ExportFile(
        book.close(),
        f"进度填报模板_{unit}_{period_label(period)}.xlsx",
        f"progress-template-{period.code}.xlsx",
    )
