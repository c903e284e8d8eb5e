"""Reading a filled-in template back: prove its origin, check every cell, then submit every row or none.

The workbook is opened behind the annex importer's guard (zip bomb, XML bomb and range checks) and read
with calamine. The whole file is refused when its signature fails, when it is for another period, or
when it holds projects outside the uploader's scope; otherwise each cell is checked and every issue is
reported with its row number and column before anything is written.
"""

import hmac
import io
import re
import secrets
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import python_calamine
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portfolio.annex.reader import UnreadableAnnex, column_letter, open_archive, scan_parts
from portfolio.annex.values import is_blank
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.exports.queries import list_reportable_ids
from portfolio.exports.template_sheet import (
    COLUMNS,
    DATA_SHEET,
    FIRST_DATA_ROW,
    FORMAT_TAG,
    HEADERS,
    MAX_TEXT,
    META_SHEET,
    REQUIRED,
    funding_header,
    signature,
)
from portfolio.funding.models import FundingSource
from portfolio.funding.queries import list_sources
from portfolio.numbers import (
    INT_MAX,
    NumberProblem,
    check_money,
    format_number,
    parse_int,
    parse_percent,
)
from portfolio.projects.models import LifecycleStatus, Project, ProjectUnit
from portfolio.reporting.models import ReportingPeriod
from portfolio.reporting.review import Comparison
from portfolio.reporting.services import ReportInput

COL = {c.key: i for i, c in enumerate(COLUMNS)}
TEXT_FIELDS = ("progress_text", "problems", "next_steps", "coordination")
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
STASH_SECONDS = 24 * 3600


class RefusedTemplate(DomainError):
    """The file as a whole cannot be accepted; nothing in it was imported."""


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


def _percent_rows(data: bytes) -> set[int]:
    """Excel rows whose 累计完成比例 cell is shown as a percentage: typing 35% in Excel stores 0.35 with a
    percent format, so such a cell's number is a fraction and reads ×100. Only formats are read here; the
    file has passed the hostile-file checks."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        column = COL["percent_complete"] + 1
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


def _project_ids(rows: list[list]) -> list[tuple[int, int, int | None]]:
    """(Excel row, project id, report version) for every data row: those above the first blank row (the
    口径说明 sit below it; a data row always holds its hidden project id)."""
    found = []
    for index, row in enumerate(rows[FIRST_DATA_ROW:], start=FIRST_DATA_ROW + 1):
        if not row or all(v in ("", None) for v in row):
            break
        raw_id, raw_version = row[COL["project_id"]], row[COL["version"]]
        pid, version = _hidden_int(raw_id), _hidden_int(raw_version)
        if pid is None or (version is None and raw_version not in ("", None)):
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


def _source_ids(meta: dict) -> list[int]:
    """The funding columns' source ids, in column order (none in a template without funding columns)."""
    raw = meta.get("source_ids", "")
    ids = [parse_int(part) for part in raw.split(",")] if raw else []
    if any(i is None for i in ids):
        raise RefusedTemplate("模板校验失败：资金来源信息被修改过。请重新下载模板，只在白色单元格中填写。")
    return ids


def _check_origin(meta: dict, ids: list[int], source_ids: list[int], secret: str) -> ReportingPeriod:
    period_id = parse_int(meta.get("period_id"))
    period = session.get(ReportingPeriod, period_id) if period_id else None
    if period is None or period.code != meta.get("period_code") or str(period.plan_id) != meta.get("plan_id"):
        raise RefusedTemplate("模板中的填报期间在系统中不存在或已变更，请重新下载模板。")
    expected = signature(secret, period.plan_id, period.code, ids, source_ids)
    if len(set(ids)) != len(ids) or not hmac.compare_digest(expected, meta.get("signature", "")):
        raise RefusedTemplate(
            "模板校验失败：隐藏的项目编号或期间信息被修改过（或增删了行）。请重新下载模板，只在白色单元格中填写。"
        )
    return period


def _check_header(rows: list[list]) -> None:
    header = rows[FIRST_DATA_ROW - 1] if len(rows) >= FIRST_DATA_ROW else []
    if [str(v).strip() for v in header[: len(HEADERS)]] != HEADERS:
        raise RefusedTemplate("模板表头被修改过，无法识别各列，请重新下载模板后填写。")


def _funding_columns(
    rows: list[list], source_ids: list[int], period: ReportingPeriod
) -> list[tuple[int, FundingSource]]:
    """(column index, source) of each 本期到位资金 column, checked against the plan's sources as they are."""
    header = rows[FIRST_DATA_ROW - 1] if len(rows) >= FIRST_DATA_ROW else []
    current = {s.id: s for s in list_sources(period.plan_id)}
    found = []
    for c, source_id in enumerate(source_ids, start=len(COLUMNS)):
        source = current.get(source_id)
        text = str(header[c]).strip() if c < len(header) else ""
        if source is None or text != funding_header(source.name):
            raise RefusedTemplate(
                "下载模板后资金来源清单已变更（或到位资金的表头被修改），无法确定各列对应的资金来源，"
                "请重新下载模板后填写。"
            )
        found.append((c, source))
    return found


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


def _issue(issues: list[Issue], row: int, key: str, message: str, value=None) -> None:
    _issue_at(issues, row, COL[key], COLUMNS[COL[key]].header, message, value)


def _issue_at(issues: list[Issue], row: int, c: int, header: str, message: str, value=None) -> None:
    issues.append(Issue(row, column_letter(c + 1), header, message, _as_typed(value)))


def _as_typed(value) -> str | None:
    """A cell's value as the officer typed it: the reader gives every number as a float (-5 → -5.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return None if value is None else str(value)


def _cell(cells: list, key: str):
    return _cell_at(cells, COL[key])


def _cell_at(cells: list, c: int):
    return cells[c] if c < len(cells) and cells[c] != "" else None


def _number(cells, key, row, issues, places: str, check) -> Decimal | None:
    return _number_at(cells, COL[key], COLUMNS[COL[key]].header, row, issues, places, check)


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


def _parse_funds(cells: list, row: int, issues: list[Issue], funding: list) -> dict | None:
    """本期到位资金 by source id from the funding columns; None when the template has none."""
    if not funding:
        return None
    return {
        source.id: _number_at(cells, c, funding_header(source.name), row, issues, "0.0001", _money_text)
        for c, source in funding
    }


def _percent(raw, what: str, as_fraction: bool) -> Decimal | None:
    """累计完成比例: 35, "35", "35%"; a cell Excel shows as a percentage holds the fraction (0.35)."""
    if as_fraction and isinstance(raw, int | float) and not isinstance(raw, bool):
        return parse_percent(Decimal(str(raw)) * 100, what)
    return parse_percent(raw, what)


def _parse_row(
    cells: list, row: int, issues: list[Issue], funding: list, as_fraction: bool = False
) -> tuple[ReportInput | None, dict | None]:
    """The report and funds a row describes, or (None, None) when it is blank; problems go to `issues`."""
    inputs = [COL[c.key] for c in COLUMNS if c.field] + [c for c, _source in funding]
    if all(is_blank(_cell_at(cells, c)) for c in inputs):
        return None, None
    texts = {}
    for key in TEXT_FIELDS:
        raw = _cell(cells, key)
        texts[key] = str(raw).strip() if raw is not None else None
        if texts[key] and len(texts[key]) > MAX_TEXT:
            _issue(issues, row, key, f"内容超过 {MAX_TEXT} 字")
    status_raw = _cell(cells, "new_status")
    new_status = LifecycleStatus.from_label(str(status_raw)) if status_raw is not None else None
    if status_raw is not None and new_status is None:
        labels = "、".join(s.label for s in LifecycleStatus)
        _issue(issues, row, "new_status", f"项目状态应从下拉列表中选择（{labels}），不变更则留空", status_raw)
    data = ReportInput(
        progress_text=texts["progress_text"] or None,
        percent_complete=_number(
            cells, "percent_complete", row, issues, "0.01", lambda raw, what: _percent(raw, what, as_fraction)
        ),
        invested_wan=_number(cells, "invested_wan", row, issues, "0.0001", _money_text),
        new_status=new_status,
        problems=texts["problems"] or None,
        next_steps=texts["next_steps"] or None,
        coordination=texts["coordination"] or None,
    )
    for key in REQUIRED:
        if getattr(data, key) is None and is_blank(_cell(cells, key)):
            _issue(issues, row, key, "报送时必须填写")
    return data, _parse_funds(cells, row, issues, funding)


def read_owner(data: bytes) -> str:
    """The user name of whoever downloaded the template (the command line reports in their name)."""
    _sheet, meta_rows = _read_sheets(data)
    return _meta(meta_rows).get("user", "")


def read_template(
    actor, data: bytes, secret: str, expected_period: ReportingPeriod | None = None
) -> TemplateFile:
    """Check a filled-in template's origin, period and scope, then every row; writes nothing."""
    sheet, meta_rows = _read_sheets(data)
    meta = _meta(meta_rows)
    _check_header(sheet)
    located = _project_ids(sheet)
    ids = [pid for _, pid, _ in located]
    source_ids = _source_ids(meta)
    period = _check_origin(meta, ids, source_ids, secret)
    if expected_period is not None and expected_period.id != period.id:
        raise RefusedTemplate(
            f"这是 {period.code} 期间的模板，不能导入到 {expected_period.code} 期间。"
            f"请下载 {expected_period.code} 的模板。"
        )
    funding = _funding_columns(sheet, source_ids, period)
    projects = _load_projects(ids)
    _check_scope(actor, projects, ids)
    result = TemplateFile(period, meta.get("user", ""))
    percent_rows = _percent_rows(data)
    names = {source.id: source.name for _c, source in funding}
    for row, pid, version in located:
        data, funds = _parse_row(sheet[row - 1], row, result.issues, funding, row in percent_rows)
        result.rows.append(
            FilledRow(row, projects[pid], data, version, "" if data else "blank", funds, names)
        )
    return result


def stash_upload(upload_dir: str, user_id: int, data: bytes) -> str:
    """Keep an uploaded template between its preview and the confirmation; returns a token naming it."""
    folder = Path(upload_dir) / "template-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STASH_SECONDS
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{user_id}-{token}.xlsx").write_bytes(data)
    return token


def take_upload(upload_dir: str, user_id: int, token: str) -> bytes:
    """The stashed upload of this user, removed from the stash; a stale or foreign token is refused."""
    path = Path(upload_dir) / "template-uploads" / f"{user_id}-{token}.xlsx"
    if not TOKEN.fullmatch(token or "") or not path.is_file():
        raise RefusedTemplate("预览已过期或不存在，请重新上传填好的模板。")
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    return data
