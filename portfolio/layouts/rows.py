"""A layout's rows: each project's values by column key, sorted, grouped, with 小计 and 合计 rows.

Project values start from the 调度表's (exports.progress_sheet.project_values, the read model's figures)
and add the other registry fields, the annual plan by year and funding by source. Grouping by category
is the 调度表's own (build_rows); by county or lead unit a project sits in each of its groups, and the
合计 row counts it once.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from portfolio.definitions.reports import ReportState
from portfolio.exports.progress_sheet import (
    PROJECT_VALUES,
    SheetRow,
    build_rows,
    category_numeral,
    group_values,
    ordered_projects,
    project_values,
)
from portfolio.funding.queries import planned_by_project, received_by_project
from portfolio.layouts.catalogue import ITEM_KEYS, REPORT_KEYS
from portfolio.localtime import to_local
from portfolio.projects.models import Project
from portfolio.reporting.models import ReportingPeriod
from portfolio.reporting.progress import ProjectProgress
from portfolio.reporting.warnings import Level
from portfolio.supervision.models import SupervisionItem

ZERO = Decimal(0)
NO_LEAD = "未定牵头单位"


def month_text(day: date | None) -> str | None:
    return f"{day.year}年{day.month}月" if day else None


def _units(project: Project, lead: bool) -> str:
    links = sorted((link for link in project.unit_links if link.is_lead == lead), key=lambda k: k.position)
    return "、".join(link.unit.name for link in links)


# The registry fields the 调度表's rows do not carry, by key: read off the project alone ...
FIELD_VALUES = {
    "seq_no": lambda p: p.seq_no,
    "category": lambda p: p.category.name,
    "subcategory": lambda p: p.subcategory.name if p.subcategory else None,
    "nature": lambda p: getattr(p, "nature", None),
    "content": lambda p: getattr(p, "content", None),
    "start_year": lambda p: p.start_year,
    "end_year": lambda p: p.end_year,
    "planned_start": lambda p: month_text(p.planned_start),
    "planned_end": lambda p: month_text(p.planned_end),
    "lead_unit": lambda p: _units(p, True),
    "support_units": lambda p: _units(p, False),
    "status": lambda p: p.status.label,
    "project_code": lambda p: getattr(p, "project_code", None),
    "note": lambda p: getattr(p, "note", None),
}
# ... and the read model's figures they do not carry either.
PROGRESS_VALUES = {
    "percent_complete": lambda g: g.percent_complete,
    "warning_reason": lambda g: g.warning.reason,
    "expected_pct": lambda g: g.warning.expected_pct,
    "actual_pct": lambda g: g.warning.actual_pct,
    "behind_points": lambda g: g.warning.behind_points,
    "days_behind": lambda g: g.warning.days_behind,
    "last_period": lambda g: g.last_period_code or "无",
    "last_reviewed": lambda g: to_local(g.last_reviewed_at).date().isoformat() if g.last_reviewed_at else "—",
}
REGISTER = FIELD_VALUES.keys() | PROGRESS_VALUES.keys()
# Every value a project row can show without the read model or the period's report state.
PLAIN_VALUES = PROJECT_VALUES | FIELD_VALUES
# Columns filled from elsewhere (funding, 督办 items, the approved report) or numbered as rows are written.
_ELSEWHERE = ITEM_KEYS | REPORT_KEYS | {"seq"}


def reads_progress(key: str) -> bool:
    """Whether a column's value comes from the progress read model or the period's report state."""
    return not (key in PLAIN_VALUES or key in _ELSEWHERE or key.startswith(("fund:", "annual:")))


def register_values(project: Project, progress: ProjectProgress, keys: frozenset[str]) -> dict:
    """The values of these column keys that the 调度表's rows do not hold; only those asked for."""
    values = {k: FIELD_VALUES[k](project) for k in keys if k in FIELD_VALUES}
    values.update({k: PROGRESS_VALUES[k](progress) for k in keys if k in PROGRESS_VALUES})
    if any(k.startswith("annual:") for k in keys):
        values.update({f"annual:{a.year}": a.amount_wan for a in project.annual_plans})
    return values


def _sources(shown: list[tuple[str, str]], measures: tuple[str, ...]) -> list[int] | None:
    """The source ids the shown columns of these measures name; None when one shows every source."""
    mine = [sid for measure, sid in shown if measure in measures]
    return None if "all" in mine else [int(sid) for sid in mine]


def funding_values(
    project_ids: list[int], period: ReportingPeriod, keys: list[str]
) -> dict[int, dict[str, Decimal]]:
    """project id → {fund:<measure>:<source id or all>: 万元} for the funding columns among `keys` only,
    read for those measures and sources; received funds from approved reports only; `all` is every
    source of the measure together, present when one is."""
    wanted = {k for k in keys if k.startswith("fund:")}
    shown = [tuple(k.split(":")[1:]) for k in wanted]
    values: dict[int, dict[str, Decimal]] = {}
    if any(measure == "planned" for measure, _ in shown):
        for pid, amounts in planned_by_project(project_ids, _sources(shown, ("planned",))).items():
            found = {f"fund:planned:{sid}": amount for sid, amount in amounts.items()}
            if amounts:
                found["fund:planned:all"] = sum(amounts.values(), ZERO)
            values[pid] = {k: v for k, v in found.items() if k in wanted}
    received_measures = ("period", "year", "cumulative")
    if not any(measure in received_measures for measure, _ in shown):
        return values
    sources = _sources(shown, received_measures)
    for pid, received in received_by_project(project_ids, period.ends_on, period.id, sources).items():
        found = {}
        for sid, r in received.items():
            if r.period_wan is not None:
                found[f"fund:period:{sid}"] = r.period_wan
            found[f"fund:year:{sid}"] = r.year_wan
            found[f"fund:cumulative:{sid}"] = r.cumulative_wan
        periods = [r.period_wan for r in received.values() if r.period_wan is not None]
        if periods:
            found["fund:period:all"] = sum(periods, ZERO)
        if received:
            found["fund:year:all"] = sum((r.year_wan for r in received.values()), ZERO)
            found["fund:cumulative:all"] = sum((r.cumulative_wan for r in received.values()), ZERO)
        values.setdefault(pid, {}).update((k, v) for k, v in found.items() if k in wanted)
    return values


def item_values(item: SupervisionItem | None, today: date) -> dict:
    """The newest 督办 item's number, state and latest answer, as a sheet shows them."""
    if item is None:
        return {"item_code": "—", "item_state": "未督办", "item_answer": None}
    answer = item.last_answer
    state = item.state.label + ("（已逾期）" if item.is_overdue(today) else "")
    text = f"{answer.measures_taken}（进展：{answer.progress}）" if answer else "尚未答复"
    return {"item_code": item.code, "item_state": state, "item_answer": text}


# Red before yellow before the rest, the furthest behind first.
_LEVEL_RANK = {Level.RED.value: 0, Level.YELLOW.value: 1}

SORT_KEYS = {
    "name": lambda row: row.values["name"],
    "total_desc": lambda row: -(row.values.get("total_investment_wan") or ZERO),
    "rate_asc": lambda row: (
        row.values.get("completion_rate") is None,
        row.values.get("completion_rate") or 0,
    ),
    "warning": lambda row: (
        _LEVEL_RANK.get(row.level, 2),
        -(row.values["_progress"].warning.behind_points or 0),
        row.values["_project"].id,
    ),
}


# What a sort reads of a row besides the columns shown.
SORT_READS = {"name": ("name",), "total_desc": ("total_investment_wan",)}


def project_rows(
    projects: Sequence[Project],
    progress: dict[int, ProjectProgress] | None,
    states: dict[int, ReportState],
    extra: dict[int, dict],
    sort: str,
    keys: frozenset[str],
) -> list[SheetRow]:
    """One row per project in the layout's order (the 调度表's order first, so ties keep it). Without
    `progress` (no column, filter or sort reads it), a row holds only the values the columns and the
    sort read."""
    if progress is None:
        rows = plain_rows(ordered_projects(projects), extra, keys.union(SORT_READS.get(sort, ())))
    else:
        rows = []
        for project in ordered_projects(projects):
            prog = progress[project.id]
            values = project_values(project, prog, 0, states.get(project.id, ReportState.MISSING))
            values.update(register_values(project, prog, keys))
            values.update(extra.get(project.id, {}))
            values["_project"], values["_progress"] = project, prog
            rows.append(SheetRow("project", values, prog.warning.level.value))
    if sort in SORT_KEYS:
        rows.sort(key=SORT_KEYS[sort])
    return rows


def plain_rows(projects: list[Project], extra: dict[int, dict], keys: frozenset[str]) -> list[SheetRow]:
    """Project rows of these keys' values read off the project alone, with their `extra` values."""
    wanted = [(k, PLAIN_VALUES[k]) for k in keys if k in PLAIN_VALUES]
    annual = any(k.startswith("annual:") for k in keys)
    rows = []
    for project in projects:
        values = {k: value(project) for k, value in wanted}
        if annual:
            values.update({f"annual:{a.year}": a.amount_wan for a in project.annual_plans})
        values.update(extra.get(project.id, ()))
        values["_project"] = project
        rows.append(SheetRow("project", values))
    return rows


def _group_key(grouping: str, project: Project) -> list[tuple]:
    if grouping == "county":
        return [((loc.sort_order, loc.name), loc.name) for loc in project.locations] or [
            ((10**9, ""), "未定县区")
        ]
    lead = _units(project, True) or NO_LEAD
    return [((lead == NO_LEAD, lead), lead)]


def _numbered(rows: list[SheetRow]) -> list[SheetRow]:
    """Project rows take running numbers; a project repeated in two groups takes a number in each."""
    seq = 0
    numbered = []
    seen = set()  # rows numbered once already: a repeat takes a copy
    for row in rows:
        if row.kind == "project":
            seq += 1
            if id(row) in seen:
                row = SheetRow("project", dict(row.values), row.level)
            seen.add(id(row))
            row.values["seq"] = seq
        numbered.append(row)
    return numbered


def grouped_rows(
    rows: list[SheetRow], grouping: str, sum_keys: list[str], totals: bool = True, rate: bool = True
) -> list[SheetRow]:
    """合计 first (unless `totals` is off), then (when grouped by county or lead unit) each group's 小计 row
    and its projects; `rate`: group rows give their 年度计划完成率."""
    top = [group_values("total", f"合计（{len(rows)}个项目）", rows, sum_keys, rate)] if totals else []
    if grouping == "none":
        return _numbered([*top, *rows])
    groups: dict[tuple, tuple[str, list[SheetRow]]] = {}
    for row in rows:
        for order, label in _group_key(grouping, row.values["_project"]):
            groups.setdefault(order, (label, []))[1].append(row)
    body: list[SheetRow] = []
    for number, (_, (label, members)) in enumerate(sorted(groups.items()), start=1):
        head = group_values("category", f"{label}小计（{len(members)}个）", members, sum_keys, rate)
        head.values["seq"] = category_numeral(number)
        body += [head, *members]
    return _numbered([*top, *body])


def layout_rows(
    projects: Sequence[Project],
    progress: dict[int, ProjectProgress],
    states: dict[int, ReportState],
    extra: dict[int, dict],
    grouping: str,
    sort: str,
    sum_keys: list[str],
    keys: frozenset[str] = frozenset(),
    totals: bool = True,
) -> list[SheetRow]:
    """The sheet's body rows for a layout's grouping and sort; `keys` are the columns shown; `totals`
    off leaves out the 合计 row."""
    if grouping == "category":
        if keys & REGISTER or any(k.startswith("annual:") for k in keys):
            extra = {
                p.id: {**register_values(p, progress[p.id], keys), **extra.get(p.id, {})} for p in projects
            }
        rows = build_rows(projects, progress, states, extra, sum_keys)
        return rows if totals else rows[1:]
    rows = project_rows(projects, progress, states, extra, sort, keys)
    return grouped_rows(rows, grouping, sum_keys, totals, not keys or "completion_rate" in keys)
