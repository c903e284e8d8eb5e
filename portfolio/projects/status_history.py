"""Project status history: each change of life-cycle status kept with the date it took effect.

An evaluation round reads the status in force at its date, not the status today: a project completed in
2025Q1 was still under construction on 2023-12-31.
"""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from portfolio.db import session
from portfolio.projects.models import LifecycleStatus, Project, StatusChange


def log_status_change(
    actor, project: Project, new_status: LifecycleStatus, effective_on: date, source: str
) -> bool:
    """Keep a coming change of a project's status with its date (the caller sets it); False if none."""
    if new_status == project.status:
        return False
    session.add(
        StatusChange(
            project_id=project.id,
            from_status=project.status,
            to_status=new_status,
            effective_on=effective_on,
            source=source,
            recorded_by_id=getattr(actor, "id", None),
        )
    )
    return True


def change_status(
    actor, project: Project, new_status: LifecycleStatus, effective_on: date, source: str
) -> bool:
    """Set a project's status and keep the change with its date; False when nothing changed."""
    changed = log_status_change(actor, project, new_status, effective_on, source)
    project.status = new_status
    return changed


def list_status_changes(project_ids: Iterable[int]) -> dict[int, list[StatusChange]]:
    """project_id → its status changes, oldest first (one statement)."""
    ids = list(project_ids)
    if not ids:
        return {}
    stmt = (
        select(StatusChange)
        .where(StatusChange.project_id.in_(ids))
        .order_by(StatusChange.effective_on, StatusChange.id)
    )
    found: dict[int, list[StatusChange]] = {}
    for change in session.scalars(stmt):
        found.setdefault(change.project_id, []).append(change)
    return found


def status_on(current: LifecycleStatus, changes: list[StatusChange], on: date) -> LifecycleStatus:
    """The status in force on a date: the last change effective by then, else the status before the first."""
    if not changes:
        return current
    effective = [c for c in changes if c.effective_on <= on]
    return effective[-1].to_status if effective else changes[0].from_status
