"""The evaluation report (中期评估) as an .xlsx workbook, in the house style of the 调度表.

Written from the same dict the report page renders, with XlsxWriter and the shared sheet layout
(exports.sheet_layout): 宋体, a title and a unit/date line on every sheet, a shaded header repeated on
every printed page, panes frozen under it, A3 (wide tables) or A4 (narrow ones) landscape one page wide,
numbers as numbers (基准值, 目标值 and yearly values too, where they are numbers), times in Beijing time,
and the 口径说明 under each table.
"""

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from xlsxwriter.worksheet import Worksheet

from portfolio.collector import collector_paused
from portfolio.evaluation.indicator_assessment import IndicatorStatus
from portfolio.evaluation.indicators import parse_number
from portfolio.evaluation.models import EvaluationRound, ProjectClass
from portfolio.evaluation.report_notes import SHEET_NOTES
from portfolio.evaluation.scope import report_for
from portfolio.evaluation.snapshot import comment_rows, concern_rows
from portfolio.exports.sheet_layout import (
    CITY,
    LINE_POINTS,
    Book,
    Column,
    ExportFile,
    chinese_date,
    put_plain,
    row_lines,
    set_row_lines,
    setup_page,
    text_lines,
    write_heading,
    write_notes,
    write_number,
    write_text,
)
from portfolio.fields import FIELDS
from portfolio.localtime import format_local

PAPER_A4 = 9
A4_MAX_WIDTH = 150  # a table narrower than this (in character widths) prints on A4
# Rate headers name their denominator, as the summary's do (the rules are in the sheet's 口径说明).
RATE_HEAD = "计划完成率(%)（÷截至评估年计划投资）"
SPAN_RATE_HEAD = "规划期投资完成率(%)（÷规划期投资）"
HEADER_ROW = 2  # zero-based: the title, the unit/date line, then the header


def report_filename(round_: EvaluationRound) -> str:
    return f"{round_.plan.short_name}重大工程{round_.name}报告_截至{chinese_date(round_.as_of)}.xlsx"


def report_file(round_: EvaluationRound, data: dict) -> ExportFile:
    """The workbook with its Chinese download name and an ASCII fallback."""
    return ExportFile(
        render_report(data),
        report_filename(round_),
        f"evaluation-report-{round_.id}-{round_.as_of.isoformat()}.xlsx",
    )


@collector_paused()
def report_workbook(round_: EvaluationRound, user) -> ExportFile:
    """The round's report as this user may see it (evaluation.scope), as a workbook: gathered and written
    with the collector paused, as every export is."""
    return report_file(round_, report_for(round_, user))


def _dec(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _value(text):
    """A value as a number where it is one (基准值 45, 2023年 38.5), so the sheet can compute with it."""
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        return text
    number = parse_number(text) if isinstance(text, str) else None
    return number if number is not None else text


def _number_style(style: str) -> str:
    return style if style in ("money", "rate", "int") else "number"


def _text_style(style: str) -> str:
    return "center" if style in ("int", "rate", "center") else "text"


def _put(book: Book, ws: Worksheet, row: int, col: int, value, style: str) -> None:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        write_number(book, ws, row, col, value, _number_style(style))
    else:
        write_text(book, ws, row, col, value, _text_style(style))


def _header(book: Book, ws: Worksheet, row: int, columns: list[Column]) -> None:
    lines = max((text_lines(c.header, c.width) for c in columns), default=1)
    ws.set_row(row, LINE_POINTS * lines + 6)
    for c, column in enumerate(columns):
        ws.write_string(row, c, column.header, book.fmt("header"))
        ws.set_column(c, c, column.width)


def _table(book: Book, ws: Worksheet, row: int, columns: list[Column], rows: Iterable[list]) -> int:
    """A header and its rows (taken one at a time) from `row`; returns the row after the last."""
    _header(book, ws, row, columns)
    cells = []  # each column's width, style and (text, number, blank) formats, as _put chooses them
    for column in columns:
        text = book.fmt(_text_style(column.style))
        cells.append((column.width, column.style, (text, book.fmt(_number_style(column.style)), text)))
    r = row
    for r, values in enumerate(rows, start=row + 1):
        lines = 1
        for c, ((width, style, formats), value) in enumerate(zip(cells, values, strict=False)):
            lines = row_lines(lines, value, width)
            if not put_plain(ws, r, c, value, *formats):
                _put(book, ws, r, c, value, style)
        set_row_lines(ws, r, lines)
    return r + 1


def _title(data: dict, sheet: str) -> str:
    return f"{CITY}“{data['plan']['short_name']}”生态环境保护重大工程{data['round']['name']}报告——{sheet}"


def _lines(data: dict) -> tuple[str, str]:
    """The unit/date line: the as-of date and the round's state on the left, when built on the right."""
    as_of = chinese_date(date.fromisoformat(data["round"]["as_of"]))
    when = format_local(data.get("finalized_at") or data["built_at"])
    if data.get("finalized_at"):
        state, stamp = f"已定稿（{data.get('finalized_by') or ''}）", f"定稿于 {when}"
    else:
        state, stamp = "评估中", f"数据生成于 {when}"
    return f"评估截止日：{as_of}　{state}", f"{stamp}（北京时间）　单位：万元"


def _sheet(book: Book, data: dict, name: str, columns: list[Column], rows: Iterable[list]) -> None:
    """One titled table sheet, printed with its header on every page and its 口径说明 under it."""
    ws = book.sheet(name)
    left, right = _lines(data)
    write_heading(book, ws, _title(data, name), left, right, max(len(columns), 4))
    after = _table(book, ws, HEADER_ROW, columns, rows)
    write_notes(book, ws, after, columns, SHEET_NOTES[name])
    _print(ws, columns, HEADER_ROW)


def _print(ws: Worksheet, columns: list[Column], header_row: int | None) -> None:
    if header_row is None:
        setup_page(ws, 0, 0)
        ws.repeat_rows(0, 1)
        ws.freeze_panes(0, 0)
    else:
        setup_page(ws, header_row, header_row)
    if sum(c.width for c in columns) < A4_MAX_WIDTH:
        ws.set_paper(PAPER_A4)


def _summary(book: Book, data: dict) -> None:
    name = "评估概况"
    ws = book.sheet(name)
    columns = [Column("a", "", 28), Column("b", "", 18, "int"), Column("c", "", 24), Column("d", "", 20)]
    columns.append(Column("e", "", 16))
    left, right = _lines(data)
    write_heading(book, ws, _title(data, name), left, right, len(columns))
    classes = [[k.label, data["class_counts"].get(k.value, 0)] for k in ProjectClass]
    head = [Column("a", "项目评估分类", 28), Column("b", "项目数", 18, "int")]
    row = _table(book, ws, HEADER_ROW, head, [*classes, ["合计", len(data["projects"])]]) + 1
    statuses = [[s.label, data["indicator_counts"].get(s.value, 0)] for s in IndicatorStatus]
    head = [Column("a", "指标评估状态", 28), Column("b", "指标数", 18, "int")]
    row = _table(book, ws, row, head, [*statuses, ["合计", len(data["indicators"])]]) + 1
    total = next(g for g in data["by_category"] if g["name"] == "合计")
    keys = ("span_investment_wan", "planned_to_date_wan", "cumulative_invested_wan", "plan_rate_pct")
    head = [
        Column("a", "投资", 28),
        Column("b", "规划期投资(万元)", 18, "money"),
        Column("c", "截至评估年计划投资(万元)", 24, "money"),
        Column("d", "系统内累计完成投资(万元)", 20, "money"),
        Column("e", RATE_HEAD, 16, "rate"),
    ]
    row = _table(book, ws, row, head, [["全部项目", *next(_rows([total], keys))]]) + 1
    width = sum(c.width for c in columns)
    for label, key in (("指标评估规则：", "indicator"), ("项目分类规则：", "project")):
        text = label + data["rules"][key]
        ws.set_row(row, LINE_POINTS * text_lines(text, width) + 4)
        ws.merge_range(row, 0, row, len(columns) - 1, text, book.fmt("note_wrap"))
        row += 1
    write_notes(book, ws, row, columns, SHEET_NOTES[name])
    _print(ws, columns, None)


def _indicators(book: Book, data: dict) -> None:
    years = sorted({y for i in data["indicators"] for y in i["values"]})
    columns = [
        Column("seq", "序号", 6, "int"),
        Column("indicator_category", "类别", 16),  # the indicator's category, not a project's
        Column("name", "指标", 34),
        Column("unit", "单位", 10, "center"),
        Column("baseline", "基准值", 10, "plain"),
        Column("target", "目标值", 14, "plain"),
        Column("binding", "属性", 8, "center"),
        *[Column(f"y{y}", f"{y}年", 10, "plain") for y in years],
        Column("status", "评估状态", 14, "center"),
        Column("explanation", "测算过程", 60),
    ]
    rows = [
        [
            i["seq"],
            i["category"],
            i["name"],
            i["unit"],
            _value(i["baseline"]),
            _value(i["target"]),
            i["binding"],
        ]
        + [_value(i["values"].get(y, "")) for y in years]
        + [i["status_label"], i["explanation"]]
        for i in data["indicators"]
    ]
    _sheet(book, data, "指标评估", columns, rows)


PROJECT_COLUMNS = [  # (header, key, width)
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


MONEY_KEYS = NUMERIC_KEYS - {"score", "completion_pct", "plan_rate_pct"}


def _cell(row: dict, key: str):
    if key == "computed_label":
        return LABELS[row["computed_class"]]
    value = row.get(key)  # a round frozen before a column existed leaves it blank
    return _dec(value) if key in NUMERIC_KEYS else value


def _rows(rows: Iterable[dict], keys) -> Iterator[list]:
    """Each row's cells, made as the sheet takes them rather than 10,000 lists held at once."""
    return ([_cell(r, k) for k in keys] for r in rows)


def _style(key: str) -> str:
    if key in MONEY_KEYS:
        return "money"
    if key in ("completion_pct", "plan_rate_pct"):
        return "rate"
    return "int" if key in ("seq_no", "score") else "text"


def _columns(keys) -> list[Column]:
    spec = {key: (head, width) for head, key, width in PROJECT_COLUMNS}
    spec.update({"problems": ("存在问题", 36), "computed_label": ("系统计算分类", 12)})
    spec["reason"] = ("计算依据 / 原因", 44)
    return [Column(k, spec[k][0], spec[k][1], _style(k)) for k in keys]


def _projects(book: Book, data: dict) -> None:
    keys = [key for _, key, _ in PROJECT_COLUMNS]
    _sheet(book, data, "项目分类", _columns(keys), _rows(data["projects"], keys))


def _groups(book: Book, data: dict, name: str, groups: list[dict], first: str) -> None:
    columns = [
        Column("name", first, 24),
        Column("projects", "项目数", 8, "int"),
        *[Column(k.value, k.label, 10, "int") for k in ProjectClass],
        Column("span", "规划期投资(万元)", 16, "money"),
        Column("planned", "截至评估年计划投资(万元)", 16, "money"),
        Column("done", "系统内累计完成投资(万元)", 16, "money"),
        Column("rate", RATE_HEAD, 12, "rate"),
        Column("span_rate", SPAN_RATE_HEAD, 12, "rate"),
    ]
    keys = ("span_investment_wan", "planned_to_date_wan", "cumulative_invested_wan", "plan_rate_pct")
    rows = [
        [
            g["name"],
            g["projects"],
            *[g["counts"][k.value] for k in ProjectClass],
            *next(_rows([g], (*keys, "completion_pct"))),
        ]
        for g in groups
    ]
    _sheet(book, data, name, columns, rows)


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


def _adjustments(book: Book, data: dict) -> None:
    """规划调整情况: the original plan's and the adjusted plan's totals, then each adjusted project."""
    name = "规划调整情况"
    money = {k for _, k, _ in ADJUSTMENT_COLUMNS if k.endswith("_wan")}
    columns = [Column(k, h, w, "money" if k in money else "text") for h, k, w in ADJUSTMENT_COLUMNS]
    ws = book.sheet(name)
    left, right = _lines(data)
    write_heading(book, ws, _title(data, name), left, right, len(columns))
    adj = data.get("adjustments")
    if not adj:
        text = "本规划尚未建立基线（首次导入项目附件时冻结），或本报告定稿于规划调整功能上线之前。"
        write_text(book, ws, HEADER_ROW, 0, text, "note")
        write_notes(book, ws, HEADER_ROW + 1, columns, SHEET_NOTES[name])
        _print(ws, columns, None)
        return
    totals = [
        [f"原规划（{format_local(adj['frozen_at'])} 冻结的基线）", *_totals(adj["baseline"])],
        ["调整后规划", *_totals(adj["current"])],
    ]
    head = [
        replace(columns[0], header=""),
        Column("count", "项目数", 8, "int"),
        Column("total", "总投资(万元)", 30, "money"),
        Column("span", "规划期投资(万元)", 14, "money"),
    ]
    row = _table(book, ws, HEADER_ROW, head, totals)
    counts = adj["counts"]
    line = (
        f"新增项目 {counts['added']} 个，调出 {counts['withdrawn']} 个，"
        f"内容、投资或年限调整 {counts['changed']} 个。"
    )
    write_text(book, ws, row, 0, line, "note")
    listed = row + 2
    rows = [[_dec(r[k]) if k in money else r[k] for _, k, _ in ADJUSTMENT_COLUMNS] for r in adj["rows"]]
    after = _table(book, ws, listed, columns, rows)
    write_notes(book, ws, after, columns, SHEET_NOTES[name])
    _print(ws, columns, listed)


def _totals(side: dict) -> list:
    return [int(side["count"]), _dec(side["total_wan"]), _dec(side["span_wan"])]


def _concerns(book: Book, data: dict) -> None:
    _sheet(book, data, "滞后及未启动项目", _columns(CONCERN_KEYS), _rows(concern_rows(data), CONCERN_KEYS))


def _comments(book: Book, data: dict) -> None:
    _sheet(book, data, "评审意见", _columns(COMMENT_KEYS), _rows(comment_rows(data), COMMENT_KEYS))


def render_report(data: dict) -> bytes:
    """The eight-sheet report workbook, each sheet written top to bottom, row by row."""
    book = Book(constant_memory=True)
    _summary(book, data)
    _indicators(book, data)
    _projects(book, data)
    _adjustments(book, data)
    _groups(book, data, "分类别统计", data["by_category"], "项目类别")
    _groups(book, data, "分县区统计", data["by_county"], "县区")
    _concerns(book, data)
    _comments(book, data)
    return book.close()


def write_report(data: dict, out: BinaryIO) -> None:
    out.write(render_report(data))
