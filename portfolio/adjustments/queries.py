"""The plan adjustments report: the baseline beside the current plan, project by project, with totals."""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portfolio.adjustments.models import AdjustmentKind, BaselineProject, PlanAdjustment, PlanBaseline
from portfolio.adjustments.snapshot import FIELDS, as_decimal, changed_fields, snapshot_plan
from portfolio.db import session
from portfolio.projects.models import Plan

ZERO = Decimal(0)


@dataclass
class Totals:
    count: int = 0
    total_wan: Decimal = ZERO
    span_wan: Decimal = ZERO

    def add(self, values: dict) -> None:
        self.count += 1
        self.total_wan += as_decimal(values["total_investment_wan"])
        self.span_wan += as_decimal(values["span_investment_wan"])


@dataclass
class AdjustedProject:
    project_id: int
    name: str
    kind: AdjustmentKind  # relative to the baseline
    baseline: dict | None
    current: dict | None
    fields: list[str]  # the tracked fields that differ from the baseline
    adjustments: list[PlanAdjustment] = field(default_factory=list)


@dataclass
class AdjustmentReport:
    plan: Plan
    baseline: PlanBaseline | None
    baseline_totals: Totals
    current_totals: Totals
    rows: list[AdjustedProject]
    labels: dict = field(default_factory=lambda: dict(FIELDS))
    # project id → its values at the baseline and now (what the totals add up; the evaluation scopes them)
    baseline_values: dict[int, dict] = field(default_factory=dict)
    current_values: dict[int, dict] = field(default_factory=dict)
    # projects adjusted since the baseline whose adjustments cancel out (调出, then restored): not counted
    # among the changes, but their recorded adjustments are still shown
    restored: list[AdjustedProject] = field(default_factory=list)

    def count(self, kind: AdjustmentKind) -> int:
        return sum(1 for r in self.rows if r.kind == kind)

    @property
    def added(self) -> int:
        return self.count(AdjustmentKind.ADDED)

    @property
    def withdrawn(self) -> int:
        return self.count(AdjustmentKind.WITHDRAWN)

    @property
    def changed(self) -> int:
        return self.count(AdjustmentKind.CHANGED)


def _baseline_values(row: BaselineProject) -> dict:
    money = {k: (str(getattr(row, k)) if getattr(row, k) is not None else None) for k in FIELDS if "wan" in k}
    return {
        "name": row.name,
        "content": row.content,
        "start_year": row.start_year,
        "end_year": row.end_year,
        "annual": row.annual or {},
        "member": row.member,
        **money,
    }


def _kind(old: dict | None, new: dict | None) -> tuple[AdjustmentKind, list[str]] | None:
    was, now = bool(old and old["member"]), bool(new and new["member"])
    if now and not was:
        return AdjustmentKind.ADDED, []
    if was and not now:
        return AdjustmentKind.WITHDRAWN, []
    if was and now and (keys := changed_fields(old, new)):
        return AdjustmentKind.CHANGED, keys
    return None


def _events(plan_id: int) -> dict[int, list[PlanAdjustment]]:
    stmt = (
        select(PlanAdjustment)
        .where(PlanAdjustment.plan_id == plan_id)
        .options(selectinload(PlanAdjustment.user))
        .order_by(PlanAdjustment.at, PlanAdjustment.id)
    )
    found: dict[int, list[PlanAdjustment]] = {}
    for event in session.scalars(stmt):
        found.setdefault(event.project_id, []).append(event)
    return found


def get_adjustment_report(plan: Plan) -> AdjustmentReport:
    """Baseline → current for every project that differs, with its adjustments, and both plans' totals."""
    baseline = session.scalar(
        select(PlanBaseline)
        .where(PlanBaseline.plan_id == plan.id)
        .options(selectinload(PlanBaseline.projects))
    )
    before = {row.project_id: _baseline_values(row) for row in baseline.projects} if baseline else {}
    now = snapshot_plan(plan.id)
    baseline_totals, current_totals = Totals(), Totals()
    for values in before.values():
        if values["member"]:
            baseline_totals.add(values)
    for values in now.values():
        if values["member"]:
            current_totals.add(values)
    events = _events(plan.id) if baseline else {}
    rows, restored = [], []
    for project_id in sorted(before.keys() | now.keys()) if baseline else []:
        old, new = before.get(project_id), now.get(project_id)
        found = _kind(old, new)
        if found is None:
            if project_id in events:
                name = (new or old)["name"]
                kind = AdjustmentKind.CHANGED
                restored.append(AdjustedProject(project_id, name, kind, old, new, [], events[project_id]))
            continue
        kind, keys = found
        name = (new or old)["name"]
        rows.append(AdjustedProject(project_id, name, kind, old, new, keys, events.get(project_id, [])))
    order = list(AdjustmentKind)
    rows.sort(key=lambda r: (order.index(r.kind), r.project_id))
    return AdjustmentReport(
        plan, baseline, baseline_totals, current_totals, rows, dict(FIELDS), before, now, restored
    )
