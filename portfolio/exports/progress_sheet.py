"""The progress sheet (调度表): projects grouped by category and sub-category with 小计 and 合计 rows.

Figures and colours come from the shared read model (portfolio.reporting.progress); this module only
arranges them. Group rows hold computed numbers, not formulas, so every reader sees the same values.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from xlsxwriter.worksheet import Worksheet

from portfolio.db import LabelledEnum
from portfolio.definitions.investment import ZERO, annual_rate, cumulative_since_start, planned_share
from portfolio.definitions.reports import ReportState
from portfolio.exports.sheet_layout import (
    LEVEL_FILLS,
    NUMERIC_STYLES,
    Book,
    Column,
    put_plain,
    row_lines,
    set_row_lines,
    write_number,
    write_text,
)
from portfolio.projects.models import Project
from portfolio.reporting.progress import ProjectProgress

# The 口径说明 written under the sheet, from portfolio.definitions.
NOTE_KEYS = (
    "counted_reports",
    "report_state",
    "period_invested",
    "annual_completion_rate",
    "cumulative_since_start",
    "expected_pct",
    "behind_points",
)
SUM_KEYS = (
    "total_investment_wan",
    "span_investment_wan",
    "annual_plan",
    "period_invested",
    "year_invested",
    "cumulative",
)
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass
class SheetRow:
    kind: str  # total, category, subcategory or project
    values: dict = field(default_factory=dict)
    level: str | None = None  # the warning level of a project row


def category_numeral(number: int) -> str:
    if 1 <= number <= 10:
        return CHINESE_NUMERALS[number - 1]
    if number < 20:
        return "十" + CHINESE_NUMERALS[number - 11]
    return str(number)


def year_span(project: Project) -> str:
    years = [y for y in (project.start_year, project.end_year) if y is not None]
    return "—".join(str(y) for y in dict.fromkeys(years))


def units_lead_first(project: Project) -> str:
    links = sorted(project.unit_links, key=lambda link: (not link.is_lead, link.position))
    return "、".join(link.unit.name for link in links)


# A project row's values read off the project alone (the rest come from the read model).
PROJECT_VALUES = {
    "name": lambda p: p.name,
    "locations": lambda p: "、".join(loc.name for loc in p.locations),
    "units": units_lead_first,
    "years": year_span,
    "total_investment_wan": lambda p: p.total_investment_wan,
    "span_investment_wan": lambda p: p.span_investment_wan,
}


def project_values(
    project: Project, progress: ProjectProgress, seq: int, state: ReportState = ReportState.MISSING
) -> dict:
    """One project's row; a period without an approved report names the state its report is in."""
    reported = progress.reported_in_period
    state = ReportState.APPROVED if reported else state
    if reported:
        text = progress.progress_text
    elif progress.last_period_code:
        last = f"最近一次已通过 {progress.last_period_code}：{progress.progress_text or '—'}"
        text = f"本期{state.label}（{last}）"
    else:
        text = f"本期{state.label}（尚无已通过的报告）"
    return {
        "seq": seq,
        **{key: value(project) for key, value in PROJECT_VALUES.items()},
        "annual_plan": progress.annual_plan_wan,
        "period_invested": progress.period_invested_wan if reported else state.label,
        "year_invested": progress.year_invested_wan,
        "completion_rate": progress.completion_rate,
        "cumulative": cumulative_since_start(
            project.pre_tracking_invested_wan, progress.cumulative_invested_wan
        ),
        "progress_text": text,
        "warning": progress.warning.label,
        "problems": progress.problems,
        "next_steps": progress.next_steps,
        "report_state": state,
    }


# A group row's (counted year-to-date investment, annual plan): what annual_rate sums over its projects.
RATE_PARTS = "_rate_parts"


def _rate_pairs(members: list[SheetRow]):
    for row in members:
        values = row.values
        parts = values.get(RATE_PARTS)
        if parts is not None:
            yield parts
        elif isinstance(values.get("year_invested"), Decimal):
            yield values["year_invested"], values["annual_plan"]


def group_values(
    kind: str, label: str, members: list[SheetRow], sum_keys=SUM_KEYS, rate: bool = True
) -> SheetRow:
    """A 小计 or 合计 row: the sum of its project rows in the `sum_keys` columns (the summed columns the
    sheet shows) and, with `rate`, their 年度计划完成率; a project without an approved report adds
    nothing, and a column blank in every row stays blank (not 0.00).

    `members` may hold group rows standing for their projects (a category's sub-category 小计 rows), so
    a 合计 adds up a few 小计 rows instead of 10,000 project rows again; sums and rate come out the same."""
    values: dict = {"name": label}
    for key in sum_keys:
        amounts = [a for r in members if isinstance(a := r.values.get(key), Decimal)]
        values[key] = sum(amounts, Decimal(0)) if amounts else None
    if not rate:
        return SheetRow(kind, values)
    pairs = list(_rate_pairs(members))
    values["completion_rate"] = annual_rate(pairs)
    done = sum((planned_share(year, plan) for year, plan in pairs), ZERO)
    values[RATE_PARTS] = (done, sum((plan or ZERO for _, plan in pairs), ZERO))
    return SheetRow(kind, values)


def ordered_projects(projects: Sequence[Project]) -> list[Project]:
    return sorted(
        projects,
        key=lambda p: (
            p.category.number,
            p.subcategory.number if p.subcategory else 0,
            p.seq_no if p.seq_no is not None else 10**9,
            p.id,
        ),
    )


def build_rows(
    projects: Sequence[Project],
    progress: dict[int, ProjectProgress],
    states: dict[int, ReportState] | None = None,
    extra: dict[int, dict] | None = None,
    sum_keys: Sequence[str] | None = None,
) -> list[SheetRow]:
    """合计 first, then each category's 小计 row, its sub-categories' 小计 rows and their projects.

    `extra` adds values to project rows by column key (funding columns); group rows sum `sum_keys`,
    by default SUM_KEYS and every extra key.
    """
    states, extra = states or {}, extra or {}
    keys = (
        list(sum_keys)
        if sum_keys is not None
        else [*SUM_KEYS, *sorted({k for v in extra.values() for k in v})]
    )
    rows: list[SheetRow] = []
    heads: list[SheetRow] = []
    count = seq = 0
    for category, in_category in groupby(ordered_projects(projects), key=lambda p: p.category):
        block: list[SheetRow] = []
        parts: list[SheetRow] = []  # its sub-categories' 小计 rows and its projects outside them
        members = 0
        for sub, in_sub in groupby(in_category, key=lambda p: p.subcategory):
            project_rows = []
            for project in in_sub:
                seq += 1
                prog = progress[project.id]
                values = project_values(project, prog, seq, states.get(project.id, ReportState.MISSING))
                values.update(extra.get(project.id, {}))
                project_rows.append(SheetRow("project", values, prog.warning.level.value))
            if sub is not None:
                sub_row = group_values(
                    "subcategory", f"{sub.name}小计（{len(project_rows)}个）", project_rows, keys
                )
                sub_row.values["seq"] = f"（{category_numeral(sub.number)}）"
                block.append(sub_row)
                parts.append(sub_row)
            else:
                parts.extend(project_rows)
            block.extend(project_rows)
            members += len(project_rows)
        head = group_values("category", f"{category.name}小计（{members}个）", parts, keys)
        head.values["seq"] = category_numeral(category.number)
        rows.append(head)
        rows.extend(block)
        heads.append(head)
        count += members
    total = group_values("total", f"合计（{count}个项目）", heads, keys)
    return [total, *rows]


def write_cell(book: Book, ws: Worksheet, r: int, c: int, column: Column, row: SheetRow) -> None:
    value = row.values.get(column.key)
    if isinstance(value, LabelledEnum):
        value = value.label
    group = None if row.kind == "project" else row.kind
    numeric = column.style in NUMERIC_STYLES
    if column.key == "warning" and row.level in LEVEL_FILLS:
        write_text(book, ws, r, c, value, "center", fill=LEVEL_FILLS[row.level])
    elif isinstance(value, Decimal | int) or (value is None and numeric):
        write_number(book, ws, r, c, value, column.style if numeric else "int", tint=group)
    else:
        write_text(book, ws, r, c, value, "center" if numeric else column.style, tint=group)


class _BodyFormats:
    """Each column's (text, number, blank) formats for one row tint, the ones write_cell would choose,
    looked up in the book once per column and tint instead of once per cell."""

    def __init__(self, book: Book, columns: list[Column]):
        self.book, self.columns, self.found = book, columns, {}

    def __call__(self, tint: str | None) -> list[tuple]:
        found = self.found.get(tint)
        if found is None:
            found = self.found[tint] = [self._column(column, tint) for column in self.columns]
        return found

    def _column(self, column: Column, tint: str | None) -> tuple:
        numeric = column.style in NUMERIC_STYLES
        text = self.book.fmt("center" if numeric else column.style, tint=tint)
        number = self.book.fmt(column.style if numeric else "int", tint=tint)
        return text, number, number if numeric else text

    def filled(self, level: str):
        return self.book.fmt("center", fill=LEVEL_FILLS[level])


def write_rows(book: Book, ws: Worksheet, first_row: int, columns: list[Column], rows: list[SheetRow]) -> int:
    """Write the body; returns the row after the last.

    Each cell is what write_cell writes, with the row height fit_row_height sets; the common cells go
    straight to XlsxWriter (sheet_layout.put_plain), the rest through write_cell."""
    formats = _BodyFormats(book, columns)
    cells = [(c, column.key, column.width, column.key == "warning") for c, column in enumerate(columns)]
    for r, row in enumerate(rows, start=first_row):
        values = row.values
        by_column = formats(None if row.kind == "project" else row.kind)
        level = row.level if row.level in LEVEL_FILLS else None
        lines = 1
        for c, key, width, warning in cells:
            value = values.get(key)
            lines = row_lines(lines, value, width)
            if warning and level:
                fill = formats.filled(level)
                written = value.__class__ is str and put_plain(ws, r, c, value, fill, fill, fill)
            else:
                written = put_plain(ws, r, c, value, *by_column[c])
            if not written:
                write_cell(book, ws, r, c, columns[c], row)
        set_row_lines(ws, r, lines)
    return first_row + len(rows)


def state_counts(rows: list[SheetRow]) -> str:
    """ "本期报告：已通过 3 个，待审核 1 个 …": which reports the sheet's figures count, and which not."""
    counts = {state: 0 for state in ReportState}
    for row in rows:
        if row.kind == "project":
            counts[row.values["report_state"]] += 1
    parts = "，".join(f"{state.label} {n} 个" for state, n in counts.items() if n)
    return f"本期报告：{parts or '无项目'}。表中数字只计已通过的报告。"
