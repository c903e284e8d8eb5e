"""Building annex workbooks in code: the shipped annex's rows re-laid out the ways offices send them."""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter

from tests.annex.helpers import ANNEX

CN = "一二三四五六七八九十"
FIELDS = (
    "seq",
    "name",
    "location",
    "nature",
    "content",
    "years",
    "total",
    "fyp",
    "annual",
    "start",
    "end",
    "units",
    "note",
)
ANNEX_HEADERS = {
    "seq": "序号",
    "name": "项目名称",
    "location": "建设地点",
    "nature": "建设性质",
    "content": "主要建设内容及规模",
    "years": "建设起止年限",
    "total": "总投资",
    "fyp": "“十四五”投资",
    "start": "计划开工时间",
    "end": "计划竣工时间",
    "units": "责任单位",
    "note": "备注",
}


@dataclass
class Row:
    kind: str  # total, category, subcategory, project
    values: dict = field(default_factory=dict)  # field -> raw value; annual -> {year: raw}


def annex_rows() -> list[Row]:
    """The shipped annex read with openpyxl (independently of the importer)."""
    ws = openpyxl.load_workbook(ANNEX).worksheets[0]
    rows = []
    for cells in ws.iter_rows(min_row=5, max_row=131, values_only=True):
        seq, name = cells[0], cells[1]
        if name is None:
            continue
        values = dict(
            zip(
                ("seq", "name", "location", "nature", "content", "years", "total", "fyp"),
                cells[:8],
                strict=True,
            )
        )
        values["annual"] = dict(zip(range(2021, 2026), cells[8:13], strict=True))
        values.update(start=cells[13], end=cells[14], units=cells[15], note=cells[16])
        if str(name).startswith("合计"):
            kind = "total"
        elif isinstance(seq, int):
            kind = "project"
        elif str(seq) in CN:
            kind = "category"
        else:
            kind = "subcategory"
        rows.append(Row(kind, values))
    return rows


@dataclass
class Layout:
    headers: dict = field(default_factory=lambda: dict(ANNEX_HEADERS))
    order: tuple = FIELDS
    annual_header: str | None = "分年度投资计划"  # two-row header; None: separate "2021年计划投资" columns
    annual_label: str = "{year}年"
    scale: str = "万元"
    unit_in_header: bool = False  # "总投资（亿元）" instead of a 单位 line
    per_category_sheets: bool = False
    plan_numbering: bool = False  # (一) categories, 1. sub-categories
    category_aliases: dict = field(default_factory=dict)  # annex name -> name to write
    text_numbers: bool = False
    date_cells: bool = False
    year_style: str = "{a}-{b}"
    merge_units: bool = False
    extra_sheets: bool = False
    year_shift: int = 0  # move every year (columns, ranges, months) for a plan with another span
    hidden_copy: bool = False  # add a hidden sheet holding a copy of every row


def build(layout: Layout, rows: list[Row] | None = None) -> bytes:
    rows = rows if rows is not None else annex_rows()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if layout.extra_sheets:
        wb.create_sheet("填报说明").append(["请按本表格式填写，金额单位为万元。"])
    if layout.per_category_sheets:
        groups, current = [], None
        for row in rows:
            if row.kind == "category":
                current = (row, [])
                groups.append(current)
            elif current is not None:
                current[1].append(row)
        for cat, members in groups:
            title = _category_name(cat, layout)
            _write_sheet(wb.create_sheet(title[:31]), [cat, *members], layout, sheet_category=True)
    else:
        _write_sheet(wb.create_sheet("重大工程项目"), rows, layout, sheet_category=False)
    if layout.hidden_copy:
        hidden = wb.create_sheet("旧版")
        _write_sheet(hidden, rows, layout, sheet_category=False)
        hidden.sheet_state = "hidden"
    if layout.extra_sheets:
        summary = wb.create_sheet("汇总")
        summary.append(["类别", "项目数", "总投资"])
        summary.append(["合计", 86, 2541345.3])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _category_name(row: Row, layout: Layout) -> str:
    name = str(row.values["name"]).split("（")[0]
    return layout.category_aliases.get(name, name)


def _columns(layout: Layout) -> list[tuple[str, int | None]]:
    cols = []
    for f in layout.order:
        if f == "annual":
            cols += [("annual", y) for y in range(2021, 2026)]
        else:
            cols.append((f, None))
    return cols


def _header_text(f: str, layout: Layout) -> str:
    text = layout.headers[f]
    if layout.unit_in_header and f in ("total", "fyp"):
        text += f"（{layout.scale}）"
    return text


def _write_sheet(ws, rows: list[Row], layout: Layout, sheet_category: bool) -> None:
    cols = _columns(layout)
    width = len(cols)
    ws.append(["焦作市重大工程项目表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([None] * (width - 1) + [f"单位：{layout.scale}"] if not layout.unit_in_header else [])
    two_rows = layout.annual_header is not None
    top = []
    for f, year in cols:
        if f == "annual":
            label = layout.annual_label.format(year=year + layout.year_shift)
            top.append(layout.annual_header if two_rows else label)
        else:
            top.append(_header_text(f, layout))
    ws.append(top)
    if two_rows:
        ws.append(
            [
                layout.annual_label.format(year=y + layout.year_shift) if f == "annual" else None
                for f, y in cols
            ]
        )
        first = next(i for i, (f, _y) in enumerate(cols) if f == "annual") + 1
        ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=first + 4)
        for i, (f, _y) in enumerate(cols, start=1):
            if f != "annual":
                ws.merge_cells(start_row=3, start_column=i, end_row=4, end_column=i)
    counters = {"category": 0, "subcategory": 0}
    for row in rows:
        if row.kind == "category" and sheet_category:
            continue
        ws.append([_cell(row, f, year, layout, counters) for f, year in cols])
    if layout.merge_units:
        _merge_units(ws, cols, 5 if two_rows else 4)
    ws.append([])
    ws.append(["注：示例数据。"])


def _cell(row: Row, f: str, year, layout: Layout, counters: dict):
    v = row.values["annual"].get(year) if f == "annual" else row.values.get(f)
    if f == "seq" and row.kind in ("category", "subcategory"):
        if row.kind == "category":
            counters["category"] += 1
            counters["subcategory"] = 0
            return f"({CN[counters['category'] - 1]})" if layout.plan_numbering else v
        counters["subcategory"] += 1
        return f"{counters['subcategory']}." if layout.plan_numbering else v
    if f == "name" and row.kind == "category":
        name = str(v).split("（")[0]
        return layout.category_aliases.get(name, name) + "（" + str(v).split("（")[1]
    if f in ("total", "fyp", "annual") and isinstance(v, int | float):
        amount = Decimal(str(v)) / (10000 if layout.scale == "亿元" else 1)
        if layout.text_numbers:
            return f"{amount:,f}"
        return float(amount)
    if f == "years" and v and str(v).count("-") == 1:
        a, b = str(v).split("-")
        return layout.year_style.format(a=int(a) + layout.year_shift, b=int(b) + layout.year_shift)
    if f in ("start", "end") and v and layout.year_shift and not layout.date_cells:
        y, m = str(v).rstrip("月").split("年")
        return f"{int(y) + layout.year_shift}年{m}月"
    if f in ("start", "end") and v and layout.date_cells:
        y, m = str(v).rstrip("月").split("年")
        return date(int(y) + layout.year_shift, int(m), 15)
    return v


def _merge_units(ws, cols: list, first_data_row: int) -> None:
    """Vertically merge runs of project rows that share one 责任单位 text."""
    col = next(i for i, (f, _y) in enumerate(cols, start=1) if f == "units")
    seq_col = next(i for i, (f, _y) in enumerate(cols, start=1) if f == "seq")
    letter = get_column_letter(col)
    run_start, last = None, None
    for r in range(first_data_row, ws.max_row + 2):
        value = ws[f"{letter}{r}"].value if r <= ws.max_row else None
        is_project = r <= ws.max_row and isinstance(ws.cell(r, seq_col).value, int)
        if is_project and value == last and run_start is not None:
            continue
        if run_start is not None and r - 1 > run_start:
            for rr in range(run_start + 1, r):
                ws[f"{letter}{rr}"].value = None
            ws.merge_cells(f"{letter}{run_start}:{letter}{r - 1}")
        run_start, last = (r, value) if is_project else (None, None)
