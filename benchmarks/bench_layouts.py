"""Benchmark: sheet layouts (版式) for 10,000 projects; the layout renderer against bare XlsxWriter.

Run:  .venv/bin/python benchmarks/bench_layouts.py [N]     (DATABASE_URL may name PostgreSQL, as bench_export)
For two layouts, the finance bureau's (by county, funding columns, signature lines) and the built-in
调度表 (by category, 16 columns, 口径说明), sets the whole export (database reads included), and the
layout renderer writing alone, against XlsxWriter writing the same cells with the same formats and no
layout code: bare time, ours, ratio, bare peak memory, ours, ratio (benchmarks.against_bare).
"""

import sys
from decimal import Decimal
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import xlsxwriter
from sqlalchemy import insert, select

from benchmarks.against_bare import compare
from benchmarks.bench_export import seeded_period
from portfolio.db import session
from portfolio.exports.services import Operator
from portfolio.exports.sheet_layout import LEVEL_FILLS, NUMERIC_STYLES, ROW_TINTS, STYLES, Book
from portfolio.funding.models import FundingSource, ProjectFunding, ReportFunding
from portfolio.layouts.builtin import progress_spec
from portfolio.layouts.models import SheetLayout
from portfolio.layouts.render import SheetText, write_layout_sheet
from portfolio.layouts.sheets import export_layout, load_projects, prepare
from portfolio.layouts.spec import LayoutColumn, LayoutSpec
from portfolio.projects.models import Project
from portfolio.reporting.models import StatusReport


def add_funding() -> tuple[int, int]:
    """Planned 中央预算内/专项债 for every project, funds received on every approved report."""
    sources = {s.name: s.id for s in session.scalars(select(FundingSource))}
    central, bonds = sources["中央预算内投资"], sources["地方政府专项债券"]
    reports = session.execute(select(StatusReport.id, StatusReport.project_id)).all()
    every = session.scalars(select(Project.id)).all()
    session.execute(
        insert(ProjectFunding),
        [{"project_id": p, "source_id": central, "amount_wan": Decimal(300)} for p in every]
        + [{"project_id": p, "source_id": bonds, "amount_wan": Decimal(500)} for p in every if p % 2],
    )
    session.execute(
        insert(ReportFunding),
        [{"report_id": r, "source_id": central, "amount_wan": Decimal(p % 50)} for r, p in reports],
    )
    session.commit()
    return central, bonds


def finance_spec(central: int, bonds: int) -> LayoutSpec:
    return LayoutSpec(
        title="焦作市“{规划}”重大项目资金情况表（{县区}，{期间}）",
        columns=[
            LayoutColumn("name", "项目名称", 30),
            LayoutColumn("lead_unit", "牵头单位", 18),
            LayoutColumn("total_investment_wan", "总投资", 12, "money"),
            LayoutColumn(f"fund:planned:{central}", "中央预算内投资", 12, "money", "资金来源"),
            LayoutColumn(f"fund:planned:{bonds}", "专项债", 12, "money", "资金来源"),
            LayoutColumn("fund:year:all", "本年到位资金", 12, "money"),
        ],
        grouping="county",
        signature=True,
    )


def bare_xlsxwriter(columns, rows) -> None:
    """The same cells, formats, merges and page setup, written straight to XlsxWriter."""
    wb = xlsxwriter.Workbook(BytesIO(), {"in_memory": True, "strings_to_formulas": False})
    formats = {}
    for tint in (None, *ROW_TINTS):
        for style, props in STYLES.items():
            extra = {"bold": True, "bg_color": ROW_TINTS[tint]} if tint else {}
            formats[style, tint] = wb.add_format({**props, **extra})
    fills = {level: wb.add_format({**STYLES["center"], "bg_color": c}) for level, c in LEVEL_FILLS.items()}
    ws = wb.add_worksheet("sheet")
    ws.merge_range(0, 0, 0, len(columns) - 1, "title", formats["title", None])
    for c, column in enumerate(columns):
        ws.merge_range(2, c, 3, c, column.header, formats["header", None])
        ws.set_column(c, c, column.width)
    for r, row in enumerate(rows, start=4):
        tint = None if row.kind == "project" else row.kind
        for c, column in enumerate(columns):
            value = row.values.get(column.key)
            style = column.style
            if column.key == "warning" and row.level in fills:
                ws.write_string(r, c, value, fills[row.level])
            elif isinstance(value, Decimal | int):
                ws.write_number(
                    r, c, float(value), formats[style if style in NUMERIC_STYLES else "int", tint]
                )
            elif value is None:
                ws.write_blank(r, c, None, formats[style, tint])
            else:
                ws.write_string(r, c, str(value), formats[style, tint])
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2, 3)
    ws.freeze_panes(4, 2)
    wb.close()


def ours(spec, columns, rows) -> None:
    book = Book()
    write_layout_sheet(book, spec, "sheet", columns, rows, SheetText("title", "unit", "date"))
    book.close()


def measure(name: str, spec: LayoutSpec, period) -> None:
    layout = SheetLayout(id=0, name=name, spec=spec.as_dict(), version=1, builtin=False)
    file = export_layout(Operator(), layout, period)
    prepared = prepare(Operator(), spec, period, load_projects(Operator(), spec, period, None))
    size = f"{len(prepared.rows)} rows × {len(prepared.columns)} columns"
    print(f"{name}: {size}, file {len(file.content) / 1e6:.1f} MB")
    compare(
        f"{name} whole export",
        lambda: export_layout(Operator(), layout, period),
        lambda: bare_xlsxwriter(prepared.columns, prepared.rows),
    )
    compare(
        f"{name} writing only (layout renderer)",
        lambda: ours(spec, prepared.columns, prepared.rows),
        lambda: bare_xlsxwriter(prepared.columns, prepared.rows),
    )


def main(n: int) -> None:
    with seeded_period(n) as period:
        central, bonds = add_funding()
        print(f"projects: {n}")
        measure("财政局资金情况表", finance_spec(central, bonds), period)
        measure("推进情况表（内置）", progress_spec(), period)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
