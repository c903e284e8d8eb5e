"""The evaluation report as an .xlsx workbook, written from the same dict the report page renders."""

from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from portfolio.evaluation.indicator_assessment import IndicatorStatus
from portfolio.evaluation.indicators import parse_number
from portfolio.evaluation.models import EvaluationRound, ProjectClass
from portfolio.evaluation.report_notes import SHEET_NOTES, write_sheet_notes
from portfolio.exports.safe_text import clean_text, looks_like_formula
from portfolio.fields import FIELDS, MONEY_FORMAT
from portfolio.localtime import format_local

HEAD_FILL = PatternFill("solid", fgColor="EEF2F5")
THIN = Side(style="thin", color="BFC6CE")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CONCERNS = (ProjectClass.LAGGING.value, ProjectClass.NOT_STARTED.value)
# Rate headers name their denominator, as the summary's do (the rules are in the sheet's 口径说明).
RATE_HEAD = "计划完成率(%)（÷截至评估年计划投资）"
SPAN_RATE_HEAD = "规划期投资完成率(%)（÷规划期投资）"
# Named styles, registered once per workbook: assigning a name per cell is far cheaper than four objects.
STYLES = {
    "ev-head": dict(
        font=Font(bold=True),
        fill=HEAD_FILL,
        border=BORDER,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    ),
    "ev-text": dict(border=BORDER, alignment=Alignment(vertical="top", wrap_text=True)),
    "ev-plain": dict(border=BORDER, alignment=Alignment(vertical="top")),
    "ev-money": dict(border=BORDER, alignment=Alignment(vertical="top"), number_format=MONEY_FORMAT),
}


def _style_for(value) -> str:
    if isinstance(value, str):
        return "ev-text"
    return "ev-money" if isinstance(value, Decimal) else "ev-plain"


def report_filename(round_: EvaluationRound) -> str:
    return f"{round_.plan.short_name}{round_.name}报告-{round_.as_of.isoformat()}.xlsx"


def _dec(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _table(ws, start_row: int, headers: list[str], rows: list[list], widths: list[int] | None = None) -> int:
    """Write a bordered table with a shaded header; return the next free row."""
    for col, text in enumerate(headers, start=1):
        ws.cell(row=start_row, column=col, value=text).style = "ev-head"
    for col, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    sized = [ws.column_dimensions[get_column_letter(c)].width or 8 for c in range(1, len(headers) + 1)]
    if lines := _lines(headers, [int(w) for w in sized]):  # long headers (a rate naming its denominator)
        ws.row_dimensions[start_row].height = 15 * lines
    for r, values in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(values, start=1):
            _put(ws, r, col, value)
        if lines := _lines(values, widths):
            ws.row_dimensions[r].height = 15 * lines
    return start_row + len(rows) + 2


def _put(ws, row: int, col: int, value) -> None:
    """One styled cell; text is always a string cell, and formula-like text keeps Excel's quote prefix."""
    if isinstance(value, str):
        value = clean_text(value)
    cell = ws.cell(row=row, column=col, value=value)
    cell.style = _style_for(value)
    if isinstance(value, str) and looks_like_formula(value):
        cell.data_type, cell.quotePrefix = "s", True


def _lines(values: list, widths: list[int] | None) -> int | None:
    """How many lines the longest wrapped text needs (a Chinese character is two width units)."""
    if not widths:
        return None
    need = max(
        (-(-len(v) * 2 // max(w - 1, 1)) for v, w in zip(values, widths, strict=False) if isinstance(v, str)),
        default=1,
    )
    return need if need > 1 else None


SUMMARY_WIDTHS = [28, 18, 24, 20, 16]
SUMMARY_WIDTH = sum(SUMMARY_WIDTHS)  # the rule lines are merged across these five columns


def _summary(ws, data: dict) -> None:
    r = data["round"]
    ws.append([f"{data['plan']['name']} · {r['name']}报告"])
    ws["A1"].font = Font(bold=True, size=14)
    when = format_local(data.get("finalized_at") or data["built_at"])
    status = (
        f"已定稿（{data.get('finalized_by') or ''}，{when}）"
        if data.get("finalized_at")
        else (f"评估中，数据生成于 {when}")
    )
    ws.append([f"评估截止日：{r['as_of']}    状态：{status}"])
    classes = [[k.label, data["class_counts"].get(k.value, 0)] for k in ProjectClass]
    row = _table(
        ws, 4, ["项目评估分类", "项目数"], [*classes, ["合计", len(data["projects"])]], SUMMARY_WIDTHS
    )
    statuses = [[s.label, data["indicator_counts"].get(s.value, 0)] for s in IndicatorStatus]
    row = _table(ws, row, ["指标评估状态", "指标数"], [*statuses, ["合计", len(data["indicators"])]])
    total = next(g for g in data["by_category"] if g["name"] == "合计")
    keys = ("span_investment_wan", "planned_to_date_wan", "cumulative_invested_wan", "plan_rate_pct")
    heads = ["规划期投资(万元)", "截至评估年计划投资(万元)", "系统内累计完成投资(万元)", RATE_HEAD]
    row = _table(ws, row, ["投资", *heads[:3], heads[3]], [["全部项目", *_rows([total], keys)[0]]])
    for offset, (label, key) in enumerate((("指标评估规则：", "indicator"), ("项目分类规则：", "project"))):
        ws.merge_cells(start_row=row + offset, start_column=1, end_row=row + offset, end_column=5)
        cell = ws.cell(row=row + offset, column=1, value=label + data["rules"][key])
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row + offset].height = 15 * (_lines([cell.value], [SUMMARY_WIDTH]) or 1) + 4


def _value(text: str):
    """A yearly value as a number where it is one, so the sheet can compute with it."""
    number = parse_number(text)
    return float(number) if number is not None else text  # not money: a plain number format


def _indicators(ws, data: dict) -> None:
    years = sorted({y for i in data["indicators"] for y in i["values"]})
    headers = ["序号", "类别", "指标", "单位", "基准值", "目标值", "属性", *[f"{y}年" for y in years]]
    rows = [
        [i["seq"], i["category"], i["name"], i["unit"], i["baseline"], i["target"], i["binding"]]
        + [_value(i["values"].get(y, "")) for y in years]
        + [i["status_label"], i["explanation"]]
        for i in data["indicators"]
    ]
    widths = [6, 16, 34, 10, 10, 14, 8, *[10] * len(years), 14, 60]
    _table(ws, 1, [*headers, "评估状态", "测算过程"], rows, widths)


PROJECT_COLUMNS = [
    (FIELDS["seq_no"].label, "seq_no", 6),
    (FIELDS["name"].label, "name", 40),
    (FIELDS["category"].label, "category", 20),
    ("县区", "county", 10),
    (FIELDS["lead_unit"].label, "lead_unit", 22),
    (FIELDS["span_investment_wan"].label_with_unit, "span_investment_wan", 14),
    ("原规划期投资(万元)", "baseline_span_investment_wan", 14),
    ("规划调整", "adjustment", 10),
    ("截至评估年计划投资(万元)", "planned_to_date_wan", 14),
    ("系统内累计完成投资(万元)", "cumulative_invested_wan", 14),
    ("系统计算分类", "computed_label", 12),
    ("评估分类", "final_label", 12),
    ("计算依据", "reason", 44),
    ("调整理由", "override_reason", 30),
    ("评分", "score", 8),
    ("评审意见", "comment", 36),
    ("评审人", "reviewer", 12),
]
CONCERN_KEYS = (
    "seq_no",
    "name",
    "category",
    "county",
    "lead_unit",
    "final_label",
    "reason",
    "problems",
    "comment",
)
COMMENT_KEYS = (
    "seq_no",
    "name",
    "computed_label",
    "final_label",
    "override_reason",
    "score",
    "comment",
    "reviewer",
)
NUMERIC_KEYS = {
    "span_investment_wan",
    "baseline_span_investment_wan",
    "planned_to_date_wan",
    "cumulative_invested_wan",
    "score",
    "completion_pct",
    "plan_rate_pct",
}
LABELS = {k.value: k.label for k in ProjectClass}


def _cell(row: dict, key: str):
    if key == "computed_label":
        return LABELS[row["computed_class"]]
    value = row.get(key)  # a round frozen before a column existed leaves it blank
    return _dec(value) if key in NUMERIC_KEYS else value


def _rows(rows: list[dict], keys) -> list[list]:
    return [[_cell(r, k) for k in keys] for r in rows]


def _headers(keys) -> tuple[list[str], list[int]]:
    spec = {key: (head, width) for head, key, width in PROJECT_COLUMNS}
    spec.update({"problems": ("存在问题", 36), "computed_label": ("系统计算分类", 12)})
    spec["reason"] = ("计算依据 / 原因", 44)
    return [spec[k][0] for k in keys], [spec[k][1] for k in keys]


def _projects(ws, data: dict) -> None:
    keys = [key for _, key, _ in PROJECT_COLUMNS]
    headers, widths = _headers(keys)
    _table(ws, 1, headers, _rows(data["projects"], keys), widths)


def _groups(ws, groups: list[dict], first: str) -> None:
    money_heads = ["规划期投资(万元)", "截至评估年计划投资(万元)", "系统内累计完成投资(万元)", RATE_HEAD]
    headers = [first, "项目数", *[k.label for k in ProjectClass], *money_heads, SPAN_RATE_HEAD]
    keys = ("span_investment_wan", "planned_to_date_wan", "cumulative_invested_wan", "plan_rate_pct")
    rows = [
        [g["name"], g["projects"], *[g["counts"][k.value] for k in ProjectClass]]
        + _rows([g], (*keys, "completion_pct"))[0]
        for g in groups
    ]
    _table(ws, 1, headers, rows, [24, 8, *[10] * len(ProjectClass), 16, 16, 16, 12, 12])


ADJUSTMENT_COLUMNS = [
    ("项目名称", "name", 40),
    ("类型", "kind_label", 8),
    ("调整内容", "fields", 30),
    ("原总投资(万元)", "baseline_total_wan", 14),
    ("调整后总投资(万元)", "current_total_wan", 14),
    ("原规划期投资(万元)", "baseline_span_wan", 14),
    ("调整后规划期投资(万元)", "current_span_wan", 14),
    ("调整原因及文号", "notes", 50),
]


def _adjustments(ws, data: dict) -> None:
    """规划调整情况: the original plan's and the adjusted plan's totals, then each adjusted project."""
    adj = data.get("adjustments")
    if not adj:
        ws.cell(
            row=1,
            column=1,
            value="本规划尚未建立基线（首次导入项目附件时冻结），或本报告定稿于规划调整功能上线之前。",
        )
        return
    totals = [
        [f"原规划（{format_local(adj['frozen_at'])} 冻结的基线）", *_totals(adj["baseline"])],
        ["调整后规划", *_totals(adj["current"])],
    ]
    row = _table(ws, 1, ["", "项目数", "总投资(万元)", "规划期投资(万元)"], totals, [40, 10, 16, 16])
    counts = adj["counts"]
    line = (
        f"新增项目 {counts['added']} 个，调出 {counts['withdrawn']} 个，"
        f"内容、投资或年限调整 {counts['changed']} 个。"
    )
    ws.cell(row=row - 1, column=1, value=line)
    money_keys = {k for _, k, _ in ADJUSTMENT_COLUMNS if k.endswith("_wan")}
    rows = [[_dec(r[k]) if k in money_keys else r[k] for _, k, _ in ADJUSTMENT_COLUMNS] for r in adj["rows"]]
    headers = [h for h, _, _ in ADJUSTMENT_COLUMNS]
    _table(ws, row + 1, headers, rows, [w for _, _, w in ADJUSTMENT_COLUMNS])


def _totals(side: dict) -> list:
    return [int(side["count"]), _dec(side["total_wan"]), _dec(side["span_wan"])]


def _concerns(ws, data: dict) -> None:
    mine = [p for p in data["projects"] if p["final_class"] in CONCERNS]
    headers, widths = _headers(CONCERN_KEYS)
    _table(ws, 1, headers, _rows(mine, CONCERN_KEYS), widths)


def _comments(ws, data: dict) -> None:
    mine = [p for p in data["projects"] if p["comment"] or p["override_reason"] or p["score"]]
    headers, widths = _headers(COMMENT_KEYS)
    _table(ws, 1, headers, _rows(mine, COMMENT_KEYS), widths)


def write_report(data: dict, out: BinaryIO) -> None:
    """Write the eight-sheet report workbook to a binary stream."""
    wb = Workbook()
    for name, attrs in STYLES.items():
        wb.add_named_style(NamedStyle(name=name, **attrs))
    _summary(wb.active, data)
    wb.active.title = "评估概况"
    for title, writer in (
        ("指标评估", _indicators),
        ("项目分类", _projects),
        ("规划调整情况", _adjustments),
        ("分类别统计", lambda ws, d: _groups(ws, d["by_category"], "项目类别")),
        ("分县区统计", lambda ws, d: _groups(ws, d["by_county"], "县区")),
        ("滞后及未启动项目", _concerns),
        ("评审意见", _comments),
    ):
        writer(wb.create_sheet(title), data)
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    for ws in wb.worksheets[1:]:
        ws.freeze_panes = "A2"
    for ws in wb.worksheets:
        write_sheet_notes(ws, SHEET_NOTES[ws.title])
    wb.save(out)
