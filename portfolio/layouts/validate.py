"""Checking a layout before it is saved: every problem found, each in Chinese, nothing half-saved."""

import re
import unicodedata

from portfolio.definitions import find_definition
from portfolio.exports.safe_text import looks_like_formula
from portfolio.exports.template_sheet import INPUTS
from portfolio.layouts.catalogue import FIXED, FUND_MEASURES, STYLE_LABELS, input_key
from portfolio.layouts.spec import (
    GROUPINGS,
    ORIENTATIONS,
    PAPERS,
    SORTS,
    STATUS_LABELS,
    WARNING_LABELS,
    LayoutSpec,
)

MAX_COLUMNS = 60
MAX_TEXT = 200
_FUND = re.compile(r"^fund:([a-z]+):(all|\d{1,9})$")
_ANNUAL = re.compile(r"^annual:(\d{4})$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def known_key(key: str, source_ids: set[int]) -> bool:
    if key in FIXED:
        return True
    fund = _FUND.match(key)
    if fund:
        return fund.group(1) in FUND_MEASURES and (fund.group(2) == "all" or int(fund.group(2)) in source_ids)
    annual = _ANNUAL.match(key)
    return bool(annual) and 1990 <= int(annual.group(1)) <= 2100


def _text_problem(what: str, text: str, limit: int = MAX_TEXT) -> str | None:
    if len(text) > limit:
        return f"{what}不能超过 {limit} 个字。"
    if looks_like_formula(text):
        return f"{what}“{text.strip()}”不能以 = + - @ 开头（会被表格软件当作公式）。"
    if _CONTROL.search(text):
        return f"{what}不能含有换行、制表符等控制字符。"
    return None


def input_fields_text() -> str:
    """What a column may be an input for, as the editor says it."""
    return "、".join(c.header for c in INPUTS.values()) + "，以及各资金来源的本期到位资金"


def _input_problems(spec: LayoutSpec) -> list[str]:
    """An input column must show a field of the period's report, and each field is asked for once."""
    problems = []
    seen: dict[str, int] = {}
    for n, column in enumerate(spec.columns, start=1):
        if not column.input:
            continue
        key = input_key(column.key)
        if key is None:
            problems.append(
                f"第 {n} 列“{column.header}”不能设为填报列：只有本期报告的填报项可以填报"
                f"（{input_fields_text()}）。"
            )
        elif key in seen:
            problems.append(f"第 {n} 列与第 {seen[key]} 列填报的是同一项，每项只能设一个填报列。")
        else:
            seen[key] = n
    return problems


def _same_header(text: str) -> str:
    """What a reader sees: full-width and half-width forms alike, spaces of any kind ignored."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _column_problems(spec: LayoutSpec, source_ids: set[int]) -> list[str]:
    problems = []
    seen: dict[str, int] = {}
    for n, column in enumerate(spec.columns, start=1):
        where = f"第 {n} 列"
        if not known_key(column.key, source_ids):
            problems.append(f"{where}：未知的字段“{column.key}”，请从列表中选择。")
        if not column.header.strip():
            problems.append(f"{where}：表头不能为空。")
        for what, text in ((f"{where}的表头", column.header), (f"{where}的合并表头", column.group)):
            problem = _text_problem(what, text)
            if problem:
                problems.append(problem)
        if not 2 <= column.width <= 100:
            problems.append(f"{where}：列宽应在 2 到 100 之间。")
        if column.style not in STYLE_LABELS:
            problems.append(f"{where}：未知的格式“{column.style}”。")
        label = _same_header(f"{column.group}／{column.header}" if column.group else column.header)
        if label in seen:
            problems.append(f"{where}的表头“{column.header}”与第 {seen[label]} 列重复。")
        seen.setdefault(label, n)
    return problems


def _filter_problems(spec: LayoutSpec, counties: set[str]) -> list[str]:
    f = spec.filters
    problems = [f"未知的项目状态“{s}”。" for s in f.status if s not in STATUS_LABELS]
    problems += [f"未知的预警等级“{s}”。" for s in f.warning if s not in WARNING_LABELS]
    problems += [f"类别序号“{n}”应在 1 到 99 之间。" for n in f.category if not 1 <= n <= 99]
    problems += [f"没有名为“{c}”的县区。" for c in f.county if c not in counties]
    return problems


def layout_problems(name: str, spec: LayoutSpec, source_ids: set[int], counties: set[str]) -> list[str]:
    """Every reason the layout cannot be saved, in the order a planner would fix them."""
    problems = []
    if not name.strip():
        problems.append("请填写版式名称。")
    problem = _text_problem("版式名称", name, 100)
    if problem:
        problems.append(problem)
    if not spec.title.strip():
        problems.append("请填写表格标题。")
    problem = _text_problem("表格标题", spec.title)
    if problem:
        problems.append(problem)
    if not spec.columns:
        problems.append("版式至少要有一列。")
    elif len(spec.columns) > MAX_COLUMNS:
        problems.append(f"版式最多 {MAX_COLUMNS} 列。")
    problems += _column_problems(spec, source_ids)
    problems += _input_problems(spec)
    for value, allowed, what in (
        (spec.grouping, GROUPINGS, "分组方式"),
        (spec.sort, SORTS, "排序方式"),
        (spec.paper, PAPERS, "纸张"),
        (spec.orientation, ORIENTATIONS, "方向"),
    ):
        if value not in allowed:
            problems.append(f"未知的{what}“{value}”。")
    problems += _filter_problems(spec, counties)
    problems += [f"未知的口径说明“{k}”。" for k in spec.note_keys if find_definition(k) is None]
    for what, text in (("单位说明", spec.unit_note), ("工作表名称", spec.sheet_name)):
        problem = _text_problem(what, text)
        if problem:
            problems.append(problem)
    return problems + _sheet_name_problems(spec.sheet_name)


def _sheet_name_problems(name: str) -> list[str]:
    """Excel refuses these sheet names; say so rather than rename the sheet silently."""
    if len(name) > 31:
        return ["工作表名称不能超过 31 个字。"]
    if _SHEET_CHARS.search(name) or name.startswith("'") or name.endswith("'"):
        return ["工作表名称不能含有 [ ] : * ? / \\，也不能以单引号开头或结尾。"]
    if name.lower() == "history":
        return ["工作表名称不能是 History（Excel 保留的名称）。"]
    return []
