"""The plan adjustments report: the baseline beside the current plan, project by project, with totals."""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portfolio.adjustments.models import AdjustmentKind, BaselineProject, PlanAdjustment, PlanBaseline
from portfolio.adjustments.snapshot import FIELDS, amount_text, as_decimal, changed_fields, snapshot_plan
from portfolio.data_version import remembered
from portfolio.db import session
from portfolio.projects.models import LifecycleStatus, Plan, Project

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


def _baseline_values(row) -> dict:
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


def _baseline_projects(baseline_id: int) -> dict[int, dict]:
    """project id → its frozen values, read as plain rows (10,000 ORM objects cost most of the page)."""
    columns = [getattr(BaselineProject, k) for k in (*FIELDS, "name") if k != "member"]
    stmt = select(BaselineProject.project_id, BaselineProject.member, *columns).where(
        BaselineProject.baseline_id == baseline_id
    )
    return {row.project_id: _baseline_values(row) for row in session.execute(stmt)}


def _current_totals(plan_id: int) -> tuple:
    """The current plan's member count and sums, from two narrow columns (no snapshot of every field)."""
    stmt = select(Project.total_investment_wan, Project.span_investment_wan).where(
        Project.plan_id == plan_id, Project.status != LifecycleStatus.WITHDRAWN
    )
    totals = Totals()
    for total, span in session.execute(stmt):
        totals.add({"total_investment_wan": amount_text(total), "span_investment_wan": amount_text(span)})
    return totals.count, totals.total_wan, totals.span_wan


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


def _compare(plan_id: int, baseline_id: int) -> tuple:
    """Each project's baseline and current values, and how each differs: plain data, remembered per version.

    (before, now, [(project id, name, kind, changed keys)] of the changed, [project id] of the unchanged)
    """
    before, now = _baseline_projects(baseline_id), snapshot_plan(plan_id)
    changed, same = [], []
    for project_id in sorted(before.keys() | now.keys()):
        old, new = before.get(project_id), now.get(project_id)
        found = _kind(old, new)
        if found is None:
            same.append(project_id)
        else:
            changed.append((project_id, (new or old)["name"], *found))
    return before, now, changed, same


def _member_totals(values: dict[int, dict]) -> Totals:
    totals = Totals()
    for one in values.values():
        if one["member"]:
            totals.add(one)
    return totals


def get_baseline(plan: Plan) -> PlanBaseline | None:
    """The plan's frozen baseline (the original plan), None before the first annex import froze it."""
    return session.scalar(select(PlanBaseline).where(PlanBaseline.plan_id == plan.id))


def get_adjustment_report(plan: Plan) -> AdjustmentReport:
    """Baseline → current for every project that differs, with its adjustments, and both plans' totals."""
    baseline = get_baseline(plan)
    if baseline is None:  # nothing to compare: only the current plan's totals (the sheet's total line)
        count, total, span = remembered(
            session, ("adjustments.totals", plan.id), lambda: _current_totals(plan.id)
        )
        return AdjustmentReport(plan, None, Totals(), Totals(count, total, span), [])
    before, now, changed, same = remembered(
        session, ("adjustments.compare", plan.id, baseline.id), lambda: _compare(plan.id, baseline.id)
    )
    events = _events(plan.id)
    rows = [
        AdjustedProject(pid, name, kind, before.get(pid), now.get(pid), keys, events.get(pid, []))
        for pid, name, kind, keys in changed
    ]
    # projects whose adjustments cancel out (调出, then restored): shown with their events, not counted
    restored = [
        AdjustedProject(
            pid,
            (now.get(pid) or before[pid])["name"],
            AdjustmentKind.CHANGED,
            before.get(pid),
            now.get(pid),
            [],
            events[pid],
        )
        for pid in same
        if pid in events
    ]
    order = list(AdjustmentKind)
    rows.sort(key=lambda r: (order.index(r.kind), r.project_id))
    return AdjustmentReport(
        plan, baseline, _member_totals(before), _member_totals(now), rows, dict(FIELDS), before, now, restored
    )
