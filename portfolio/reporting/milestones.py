"""Milestone updates carried by a status report and applied to the project when it is approved.

Stored on the report as JSON: {"<milestone id>": {"actual_date": "YYYY-MM-DD" | None, "status": …}} for
the project's milestones, and {"kind:<kind>": …} for a standard milestone to add to a project that has none.
"""

from datetime import date

from portfolio.audit.services import record
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.projects.models import Milestone, MilestoneKind, MilestoneStatus, Project

NEW_PREFIX = "kind:"
# The milestones a project without any may add from its report, in life-cycle order.
STANDARD_KINDS = [k for k in MilestoneKind if k != MilestoneKind.OTHER]


def _entry(actual: date | None, status: MilestoneStatus) -> dict:
    return {"actual_date": actual.isoformat() if actual else None, "status": MilestoneStatus(status).value}


def encode(
    updates: dict[int, tuple[date | None, MilestoneStatus]] | None,
    new: dict[MilestoneKind, tuple[date | None, MilestoneStatus]] | None,
) -> dict:
    result = {str(mid): _entry(*value) for mid, value in (updates or {}).items()}
    result.update({NEW_PREFIX + MilestoneKind(k).value: _entry(*v) for k, v in (new or {}).items()})
    return result


def decode(stored: dict | None) -> tuple[dict[int, tuple], dict[MilestoneKind, tuple]]:
    """The stored JSON back into (updates by milestone id, new milestones by kind)."""
    updates, new = {}, {}
    for key, entry in (stored or {}).items():
        value = (
            date.fromisoformat(entry["actual_date"]) if entry.get("actual_date") else None,
            MilestoneStatus(entry["status"]),
        )
        if key.startswith(NEW_PREFIX):
            new[MilestoneKind(key.removeprefix(NEW_PREFIX))] = value
        else:
            updates[int(key)] = value
    return updates, new


def validate(project: Project, updates: dict | None, new: dict | None) -> None:
    own = {m.id for m in project.milestones}
    if set(updates or {}) - own:
        raise DomainError("里程碑不属于该项目，请刷新页面后重试。")
    if new and own:
        raise DomainError("该项目已有里程碑，请直接更新已有里程碑。")
    for actual, status in [*(updates or {}).values(), *(new or {}).values()]:
        if status == MilestoneStatus.DONE and actual is None:
            raise DomainError("标为“已完成”的里程碑请填写实际完成日期。")


def apply(actor, project: Project, stored: dict, period_code: str) -> None:
    """Write the approved milestone dates and statuses to the project; each change is audited."""
    updates, new = decode(stored)
    by_id = {m.id: m for m in project.milestones}
    for mid, (actual, status) in updates.items():
        milestone = by_id.get(mid)
        if milestone is None or (milestone.actual_date, milestone.status) == (actual, status):
            continue
        before = _entry(milestone.actual_date, milestone.status)
        milestone.actual_date, milestone.status = actual, status
        _audit(actor, milestone, before, period_code)
    present = {m.kind for m in project.milestones}
    for kind, (actual, status) in new.items():
        if kind in present:
            continue
        milestone = Milestone(kind=kind, title=kind.label, actual_date=actual, status=status)
        project.milestones.append(milestone)
        _audit(actor, milestone, None, period_code)


def _audit(actor, milestone: Milestone, before: dict | None, period_code: str) -> None:
    session.flush()  # a new milestone needs its id in the log
    record(
        actor,
        "milestone.update" if before else "milestone.create",
        milestone,
        before=before,
        after=_entry(milestone.actual_date, milestone.status),
        summary=f"据 {period_code} 进度报告更新里程碑“{milestone.title or milestone.kind.label}”",
    )
