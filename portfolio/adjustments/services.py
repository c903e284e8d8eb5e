"""Freezing a plan's baseline and recording each later adjustment with its reason and 调整文号.

Callers take a snapshot before they change projects (`snapshot_before`), change them, then call
`record_adjustments`. The first import into an empty plan becomes the baseline; otherwise the plan as
it stood before its first adjustment is frozen as the baseline, and every change needs a note.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from portfolio.adjustments.models import AdjustmentKind, BaselineProject, PlanAdjustment, PlanBaseline
from portfolio.adjustments.snapshot import FIELDS, changed_fields, snapshot_plan
from portfolio.db import insert_rows, session, utcnow
from portfolio.errors import DomainError
from portfolio.projects.models import Plan, Project

REASON_LIMIT, DOC_LIMIT = 2000, 100


class NoteRequired(DomainError):
    """A change to the plan's projects came without its reason or 调整文号."""


@dataclass(frozen=True)
class AdjustmentNote:
    reason: str
    doc_number: str

    @property
    def complete(self) -> bool:
        return bool((self.reason or "").strip() and (self.doc_number or "").strip())


@dataclass(frozen=True)
class Change:
    project_id: int
    kind: AdjustmentKind
    before: dict
    after: dict


def get_baseline(plan_id: int) -> PlanBaseline | None:
    return session.scalar(select(PlanBaseline).where(PlanBaseline.plan_id == plan_id))


def is_adjusting(plan: Plan) -> bool:
    """Whether a change to the plan's projects is now an adjustment (it has a baseline, or projects)."""
    if get_baseline(plan.id) is not None:
        return True
    return session.scalar(select(Project.id).where(Project.plan_id == plan.id).limit(1)) is not None


def snapshot_before(plan: Plan, project_ids: list[int] | None = None) -> dict[int, dict]:
    """The values to compare after a change: these projects, or the whole plan while it has no baseline."""
    if get_baseline(plan.id) is None:
        return snapshot_plan(plan.id)
    return snapshot_plan(plan.id, project_ids)


def list_changes(before: dict[int, dict], after: dict[int, dict]) -> list[Change]:
    """Each project added to, withdrawn from or changed within the plan between two snapshots."""
    changes = []
    for project_id in sorted(before.keys() | after.keys()):
        old, new = before.get(project_id), after.get(project_id)
        was = old is not None and old["member"]
        now = new is not None and new["member"]
        if now and not was:
            changes.append(Change(project_id, AdjustmentKind.ADDED, {}, _tracked(new)))
        elif was and not now:
            changes.append(Change(project_id, AdjustmentKind.WITHDRAWN, {"member": True}, {"member": False}))
        elif was and now and (keys := changed_fields(old, new)):
            changes.append(
                Change(
                    project_id, AdjustmentKind.CHANGED, {k: old[k] for k in keys}, {k: new[k] for k in keys}
                )
            )
    return changes


def _tracked(values: dict) -> dict:
    return {k: values[k] for k in FIELDS if k != "member"}


def freeze_baseline(actor, plan: Plan, values: dict[int, dict], batch_id: int | None = None) -> PlanBaseline:
    """Freeze these projects' values as the plan's baseline. A plan has one baseline, for good."""
    baseline = PlanBaseline(plan_id=plan.id, batch_id=batch_id, user_id=getattr(actor, "id", None))
    session.add(baseline)
    session.flush()
    # One driver executemany: a 10,000-project annex must not build an ORM object or a dict per row.
    rows = [_baseline_row(baseline.id, pid, fields) for pid, fields in values.items()]
    insert_rows(session.connection(), BaselineProject.__table__, BASELINE_COLUMNS, rows)
    return baseline


ADJUSTMENT_COLUMNS = (
    "project_id",
    "kind",
    "before",
    "after",
    "plan_id",
    "reason",
    "doc_number",
    "user_id",
    "batch_id",
    "at",
)
BASELINE_COLUMNS = (
    "baseline_id",
    "project_id",
    "name",
    "content",
    "start_year",
    "end_year",
    "total_investment_wan",
    "span_investment_wan",
    "annual",
    "member",
)


def _baseline_row(baseline_id: int, project_id: int, fields: dict) -> tuple:
    total, span = fields["total_investment_wan"], fields["span_investment_wan"]
    return (
        baseline_id,
        project_id,
        fields["name"],
        fields["content"],
        fields["start_year"],
        fields["end_year"],
        Decimal(total) if total is not None else None,
        Decimal(span) if span is not None else None,
        fields["annual"],
        fields["member"],
    )


def _check_note(note: AdjustmentNote | None, changes: list[Change]) -> AdjustmentNote:
    if note is None or not note.complete:
        counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in AdjustmentKind}
        summary = "、".join(f"{kind.label} {n} 个" for kind, n in counts.items() if n)
        raise NoteRequired(f"本次操作将调整规划项目（{summary}），请填写调整原因和调整文号。")
    if len(note.reason) > REASON_LIMIT or len(note.doc_number) > DOC_LIMIT:
        raise DomainError(f"调整原因不能超过 {REASON_LIMIT} 字，调整文号不能超过 {DOC_LIMIT} 字。")
    return note


def record_adjustments(
    actor,
    plan: Plan,
    before: dict[int, dict],
    note: AdjustmentNote | None,
    batch_id: int | None = None,
    project_ids: list[int] | None = None,
    created: dict[int, dict] | None = None,
) -> list[Change]:
    """After a change: freeze the baseline if the plan had none, then record each adjustment with its note.

    `created` holds the snapshots (snapshot_values) of the projects the change added, when the caller
    already has them: the first import of 10,000 projects then freezes them without reading them back.
    Raises a DomainError (the caller rolls back) when something changed and the note lacks a reason or 文号.
    """
    if get_baseline(plan.id) is None:
        if not before:  # the plan's first import: its annex is the baseline
            freeze_baseline(actor, plan, created if created is not None else snapshot_plan(plan.id), batch_id)
            return []
        freeze_baseline(actor, plan, before)
    after = snapshot_plan(plan.id, project_ids)
    if project_ids is not None:
        wanted = set(project_ids)  # once: a set per item made a 10,000-project re-import quadratic
        before = {k: v for k, v in before.items() if k in wanted}
    changes = list_changes(before, after)
    if not changes:
        return []
    note = _check_note(note, changes)
    fixed = (
        plan.id,
        note.reason.strip(),
        note.doc_number.strip(),
        getattr(actor, "id", None),
        batch_id,
        utcnow(),
    )
    rows = [(c.project_id, c.kind, c.before, c.after, *fixed) for c in changes]
    insert_rows(session.connection(), PlanAdjustment.__table__, ADJUSTMENT_COLUMNS, rows)
    return changes
