"""Reading a filled-in template back: prove its origin, check every cell, then submit every row or none.

The workbook is opened behind the annex importer's guard (zip bomb, XML bomb and range checks) and read
with calamine. The whole file is refused when its signature fails, when it is for another period, when
the layout it was issued from changed since, or when it holds projects outside the uploader's scope;
otherwise each cell is checked and every issue is reported with its row number and column before anything
is written. Cells are read by key through the template's column map (template_columns): today's template
and a layout's template go through the same checks. A layout's template may ask for some of a report's
fields only; the others keep what the period's report already holds.
"""

import hmac
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import python_calamine
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portfolio.annex.reader import UnreadableAnnex, column_letter, open_archive, scan_parts
from portfolio.annex.values import is_blank
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.exports.queries import list_period_reports, list_reportable_ids
from portfolio.exports.template_columns import (
    ColumnMap,
    RefusedTemplate,
    bind_sources,
    check_header,
    check_layout,
    column_map,
)
from portfolio.exports.template_sheet import (
    DATA_SHEET,
    FIRST_DATA_ROW,
    FORMAT_TAG,
    INPUTS,
    MAX_TEXT,
    META_SHEET,
    REQUIRED,
    signature,
)
from portfolio.numbers import (
    INT_MAX,
    NumberProblem,
    check_money,
    format_number,
    parse_int,
    parse_percent,
)
from portfolio.projects.models import LifecycleStatus, Project, ProjectUnit
from portfolio.reporting.models import ReportingPeriod, StatusReport
from portfolio.reporting.review import Comparison
from portfolio.reporting.services import ReportInput

__all__ = ["RefusedTemplate", "TemplateFile", "read_owner", "read_template"]
TEXT_FIELDS = ("progress_text", "problems", "next_steps", "coordination")


@dataclass
class Issue:
    row: int  # the Excel row number the user sees
    column: str  # column letter, empty for a whole-row issue
    header: str
    message: str
    value: str | None = None


@dataclass
class FilledRow:
    row: int
    project: Project
    data: ReportInput | None  # None: nothing filled in, the row is skipped
    version: int | None
    outcome: str = ""  # submit, unchanged or blank
    # 本期到位资金 by source id (None where blank); None when the template has no funding columns.
    funds: dict[int, Decimal | None] | None = None
    source_names: dict[int, str] = field(default_factory=dict)
    comparison: Comparison | None = None  # the percent complete against the last approved report

    @property
    def falling(self) -> bool:
        return self.comparison is not None and self.comparison.falling

    def falling_message(self) -> str:
        """ "完成百分比 20% 低于上次审核通过的 68.1%（2023Q3），下降 48.1 个百分点，请核实。" """
        previous = self.comparison.previous
        return (
            f"完成百分比 {format_number(self.data.percent_complete)}% 低于上次审核通过的 "
            f"{format_number(previous.percent_complete)}%（{previous.period.code}），"
            f"下降 {format_number(-self.comparison.percent_change)} 个百分点，请核实。"
        )

    def funds_named(self) -> list[tuple[str, Decimal]]:
        """(source name, amount) of the sources with funds received, for the preview."""
        return [(self.source_names[sid], a) for sid, a in (self.funds or {}).items() if a]


@dataclass
class TemplateFile:
    period: ReportingPeriod
    user: str  # who downloaded it
    layout: str = ""  # the layout a layout's template was issued from
    rows: list[FilledRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def falling(self) -> list[FilledRow]:
        """Rows to be submitted whose percent complete is below the last approved one."""
        return [r for r in self.rows if r.outcome == "submit" and r.falling]


def _read_sheets(data: bytes) -> tuple[list[list], list[list]]:
    """The data sheet's rows and the meta sheet's rows, after the hostile-file checks."""
    try:
        scan_parts(open_archive(data))
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        if DATA_SHEET not in names or META_SHEET not in names:
            raise RefusedTemplate(
                "这不是本系统下载的进度填报模板（缺少填报表或校验信息），请重新下载模板后填写。"
            )
        return book.get_sheet_by_name(DATA_SHEET).to_python(), book.get_sheet_by_name(META_SHEET).to_python()
    except UnreadableAnnex as e:
        raise RefusedTemplate(e.message) from e
    except DomainError:
        raise
    except Exception as e:  # calamine raises several types for a damaged part
        raise RefusedTemplate(f"无法读取工作簿内容（文件可能已损坏）：{type(e).__name__}") from e


def _percent_rows(data: bytes, column: int | None) -> set[int]:
    """Excel rows whose 累计完成比例 cell is shown as a percentage: typing 35% in Excel stores 0.35 with a
    percent format, so such a cell's number is a fraction and reads ×100. Only formats are read here; the
    file has passed the hostile-file checks."""
    if column is None:
        return set()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        column += 1
        cells = book[DATA_SHEET].iter_rows(min_row=FIRST_DATA_ROW + 1, min_col=column, max_col=column)
        found = {
            cell.row
            for (cell,) in cells
            if isinstance(cell.value, int | float) and "%" in (cell.number_format or "")
        }
        book.close()
        return found
    except Exception:  # a part openpyxl cannot read: the values as calamine read them stand
        return set()


def _meta(rows: list[list]) -> dict[str, str]:
    meta = {}
    for row in rows:
        if len(row) >= 2 and isinstance(row[0], str):
            meta[row[0]] = str(row[1])
    if meta.get("format") != FORMAT_TAG:
        raise RefusedTemplate("这不是本系统下载的进度填报模板（版本标记不符），请重新下载模板后填写。")
    return meta


def _project_ids(rows: list[list], columns: ColumnMap) -> list[tuple[int, int, int | None]]:
    """(Excel row, project id, report version) for every data row: those above the first blank row (the
    口径说明 sit below it; a data row always holds its hidden project id)."""
    found = []
    for index, row in enumerate(rows[FIRST_DATA_ROW:], start=FIRST_DATA_ROW + 1):
        if not row or all(v in ("", None) for v in row):
            break
        raw_id, raw_version = _cell_at(row, columns.at("project_id")), _cell_at(row, columns.at("version"))
        pid, version = _hidden_int(raw_id), _hidden_int(raw_version)
        if pid is None or (version is None and raw_version is not None):
            raise RefusedTemplate(f"第 {index} 行的隐藏项目编号被改动，模板校验失败；请重新下载模板。")
        found.append((index, pid, version))
    return found


def _hidden_int(raw) -> int | None:
    """A hidden id cell as an int, or None when it is not a plain whole number in range."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() and 0 < raw <= INT_MAX else None
    if isinstance(raw, int):
        return raw if 0 < raw <= INT_MAX else None
    return parse_int(raw) if isinstance(raw, str) else None


def _money_text(raw, what: str) -> Decimal | None:
    """An amount in 万元; a trailing 万元 is tolerated."""
    if isinstance(raw, str) and raw.endswith("万元"):
        raw = raw[:-2]
    return check_money(raw, what)


def _check_origin(meta: dict, ids: list[int], columns: ColumnMap, secret: str) -> ReportingPeriod:
    period_id = parse_int(meta.get("period_id"))
    period = session.get(ReportingPeriod, period_id) if period_id else None
    if period is None or period.code != meta.get("period_code") or str(period.plan_id) != meta.get("plan_id"):
        raise RefusedTemplate("模板中的填报期间在系统中不存在或已变更，请重新下载模板。")
    source_ids = [] if columns.stamp else columns.source_ids  # a layout's are in its signed column map
    expected = signature(secret, period.plan_id, period.code, ids, source_ids, columns.stamp)
    if len(set(ids)) != len(ids) or not hmac.compare_digest(expected, meta.get("signature", "")):
        raise RefusedTemplate(
            "模板校验失败：隐藏的项目编号或期间信息被修改过（或增删了行）。请重新下载模板，只在白色单元格中填写。"
        )
    return period


def _load_projects(ids: list[int]) -> dict[int, Project]:
    stmt = (
        select(Project)
        .where(Project.id.in_(ids))
        .options(
            selectinload(Project.locations), selectinload(Project.unit_links).selectinload(ProjectUnit.unit)
        )
    )
    return {p.id: p for p in session.scalars(stmt)}


def _check_scope(actor, projects: dict[int, Project], ids: list[int]) -> None:
    missing = [i for i in ids if i not in projects]
    if missing:
        raise RefusedTemplate(f"模板中有 {len(missing)} 个项目在系统中已不存在，请重新下载模板。")
    reportable = list_reportable_ids(actor, ids)
    outside = [projects[i].name for i in ids if i not in reportable]
    if outside:
        names = "、".join(outside[:5]) + (f" 等 {len(outside)} 个项目" if len(outside) > 5 else "")
        raise RefusedTemplate(
            f"模板中的以下项目不在您的填报范围内，整个文件未导入：{names}。请下载您自己的模板。"
        )


def _issue(issues: list[Issue], row: int, columns: ColumnMap, key: str, message: str, value=None) -> None:
    _issue_at(issues, row, columns.at(key), columns.header(key), message, value)


def _issue_at(issues: list[Issue], row: int, c: int, header: str, message: str, value=None) -> None:
    issues.append(Issue(row, column_letter(c + 1), header, message, _as_typed(value)))


def _as_typed(value) -> str | None:
    """A cell's value as the officer typed it: the reader gives every number as a float (-5 → -5.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return None if value is None else str(value)


def _cell_at(cells: list, c: int | None):
    return cells[c] if c is not None and c < len(cells) and cells[c] != "" else None


def _number_at(cells, c: int, header: str, row, issues, places: str, check) -> Decimal | None:
    raw = _cell_at(cells, c)
    if is_blank(raw):
        return None
    try:
        value = check(raw.strip() if isinstance(raw, str) else raw, header)
    except NumberProblem as e:
        _issue_at(issues, row, c, header, e.message, raw)
        return None
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP) if value is not None else None


def _parse_funds(cells: list, row: int, issues: list[Issue], columns: ColumnMap) -> dict | None:
    """本期到位资金 by source id from the funding columns; None when the template has none."""
    if not columns.funding:
        return None
    return {
        source.id: _number_at(cells, c, columns.headers[c], row, issues, "0.0001", _money_text)
        for c, source in columns.funding
    }


def _percent(raw, what: str, as_fraction: bool) -> Decimal | None:
    """累计完成比例: 35, "35", "35%"; a cell Excel shows as a percentage holds the fraction (0.35)."""
    if as_fraction and isinstance(raw, int | float) and not isinstance(raw, bool):
        return parse_percent(Decimal(str(raw)) * 100, what)
    return parse_percent(raw, what)


@dataclass
class _Row:
    """One data row being read: its cells by key through the column map, and the period's report as stored
    (what a field the template does not ask for keeps)."""

    cells: list
    row: int
    columns: ColumnMap
    issues: list[Issue]
    stored: StatusReport | None

    def raw(self, key: str):
        return _cell_at(self.cells, self.columns.at(key))

    def asks(self, key: str) -> bool:
        return self.columns.at(key) is not None

    def kept(self, key: str):
        return getattr(self.stored, INPUTS[key].field) if self.stored is not None else None

    def text(self, key: str) -> str | None:
        if not self.asks(key):
            return self.kept(key)
        raw = self.raw(key)
        text = str(raw).strip() if raw is not None else None
        if text and len(text) > MAX_TEXT:
            _issue(self.issues, self.row, self.columns, key, f"内容超过 {MAX_TEXT} 字")
        return text or None

    def number(self, key: str, places: str, check) -> Decimal | None:
        if not self.asks(key):
            return self.kept(key)
        c = self.columns.at(key)
        return _number_at(self.cells, c, self.columns.headers[c], self.row, self.issues, places, check)

    def status(self) -> LifecycleStatus | None:
        if not self.asks("new_status"):
            return self.kept("new_status")
        raw = self.raw("new_status")
        status = LifecycleStatus.from_label(str(raw)) if raw is not None else None
        if raw is not None and status is None:
            labels = "、".join(s.label for s in LifecycleStatus)
            message = f"项目状态应从下拉列表中选择（{labels}），不变更则留空"
            _issue(self.issues, self.row, self.columns, "new_status", message, raw)
        return status

    def require(self, data: ReportInput) -> None:
        """What a submitted report must hold; a field the template does not ask for must be stored."""
        for key in REQUIRED:
            if getattr(data, key) is not None:
                continue
            if self.asks(key) and is_blank(self.raw(key)):
                _issue(self.issues, self.row, self.columns, key, "报送时必须填写")
            elif not self.asks(key):
                self.issues.append(
                    Issue(
                        self.row,
                        "",
                        "",
                        f"本期报告还没有“{INPUTS[key].header}”，本模板又没有这一列：报送时必须填写。"
                        "请先在系统中填写，或使用含这一列的模板。",
                    )
                )


def _parse_row(line: _Row, as_fraction: bool = False) -> tuple[ReportInput | None, dict | None]:
    """The report and funds a row describes, or (None, None) when it is blank; problems go to `issues`."""
    if all(is_blank(_cell_at(line.cells, c)) for c in line.columns.inputs):
        return None, None
    texts = {key: line.text(key) for key in TEXT_FIELDS}
    data = ReportInput(
        progress_text=texts["progress_text"],
        percent_complete=line.number(
            "percent_complete", "0.01", lambda raw, what: _percent(raw, what, as_fraction)
        ),
        invested_wan=line.number("invested_wan", "0.0001", _money_text),
        new_status=line.status(),
        problems=texts["problems"],
        next_steps=texts["next_steps"],
        coordination=texts["coordination"],
    )
    line.require(data)
    return data, _parse_funds(line.cells, line.row, line.issues, line.columns)


def read_owner(data: bytes) -> str:
    """The user name of whoever downloaded the template (the command line reports in their name)."""
    _sheet, meta_rows = _read_sheets(data)
    return _meta(meta_rows).get("user", "")


def read_template(
    actor, data: bytes, secret: str, expected_period: ReportingPeriod | None = None
) -> TemplateFile:
    """Check a filled-in template's origin, period, layout and scope, then every row; writes nothing."""
    sheet, meta_rows = _read_sheets(data)
    meta = _meta(meta_rows)
    columns = column_map(meta, meta_rows)
    check_header(sheet, columns)
    located = _project_ids(sheet, columns)
    ids = [pid for _, pid, _ in located]
    period = _check_origin(meta, ids, columns, secret)
    if expected_period is not None and expected_period.id != period.id:
        raise RefusedTemplate(
            f"这是 {period.code} 期间的模板，不能导入到 {expected_period.code} 期间。"
            f"请下载 {expected_period.code} 的模板。"
        )
    check_layout(columns.stamp)
    bind_sources(sheet, columns, period)
    projects = _load_projects(ids)
    _check_scope(actor, projects, ids)
    stored = list_period_reports(list(projects.values()), period) if columns.stamp else {}
    result = TemplateFile(period, meta.get("user", ""), columns.stamp.name if columns.stamp else "")
    percent_rows = _percent_rows(data, columns.at("percent_complete"))
    names = {source.id: source.name for _c, source in columns.funding}
    for row, pid, version in located:
        line = _Row(sheet[row - 1], row, columns, result.issues, stored.get(pid))
        data, funds = _parse_row(line, row in percent_rows)
        result.rows.append(
            FilledRow(row, projects[pid], data, version, "" if data else "blank", funds, names)
        )
    return result
