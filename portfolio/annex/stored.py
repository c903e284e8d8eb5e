"""The plan's stored projects as plain values for the diff: four Core queries, no ORM objects, so
comparing a 10,000-project annex with a 10,000-project register stays cheap. Amounts come back as
Decimal (Numeric), which compares equal to the file's Decimal whatever the trailing zeros."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from portfolio.db import session
from portfolio.projects.models import (
    AnnualPlan,
    Category,
    LifecycleStatus,
    Location,
    Project,
    ProjectLocation,
    ProjectUnit,
    Subcategory,
    Unit,
)


@dataclass
class StoredProject:
    id: int
    category_number: int
    subcategory_name: str | None
    name: str
    seq_no: int | None
    status: LifecycleStatus
    source_sheet: str | None
    source_row: int | None
    updated_at: datetime
    values: dict = field(default_factory=dict)  # the shape of ProjectRecord.comparable()


def load_stored(plan_id: int) -> list[StoredProject]:
    conn = session.connection()  # Core rows: the ORM's row processing is not needed here
    rows = conn.execute(
        select(
            Project.id,
            Category.number,
            Subcategory.name,
            Project.name,
            Project.seq_no,
            Project.status,
            Project.source_sheet,
            Project.source_row,
            Project.updated_at,
            Project.nature,
            Project.content,
            Project.start_year,
            Project.end_year,
            Project.total_investment_wan,
            Project.span_investment_wan,
            Project.planned_start,
            Project.planned_end,
            Project.note,
        )
        .join(Category, Category.id == Project.category_id)
        .outerjoin(Subcategory, Subcategory.id == Project.subcategory_id)
        .where(Project.plan_id == plan_id)
    ).all()
    stored = {}
    for r in rows:
        stored[r[0]] = StoredProject(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])
        stored[r[0]].values = {
            "name": r[3],
            "subcategory": r[2],
            "seq_no": r[4],
            "locations": [],
            "nature": r[9],
            "content": r[10],
            "start_year": r[11],
            "end_year": r[12],
            "total_investment_wan": r[13],
            "fyp_investment_wan": r[14],
            "annual_plan_wan": {},
            "planned_start": r[15],
            "planned_end": r[16],
            "units": [],
            "note": r[17],
        }
    in_plan = select(Project.id).where(Project.plan_id == plan_id)
    locations = (
        select(ProjectLocation.project_id, Location.name)
        .join(Location, Location.id == ProjectLocation.location_id)
        .where(ProjectLocation.project_id.in_(in_plan))
        .order_by(Location.sort_order)
    )
    for pid, name in conn.execute(locations):
        stored[pid].values["locations"].append(name)
    units = (
        select(ProjectUnit.project_id, Unit.name)
        .join(Unit, Unit.id == ProjectUnit.unit_id)
        .where(ProjectUnit.project_id.in_(in_plan))
        .order_by(ProjectUnit.project_id, ProjectUnit.position)
    )
    for pid, name in conn.execute(units):
        stored[pid].values["units"].append(name)
    annual = select(AnnualPlan.project_id, AnnualPlan.year, AnnualPlan.amount_wan).where(
        AnnualPlan.project_id.in_(in_plan), AnnualPlan.amount_wan.is_not(None)
    )
    for pid, year, amount in conn.execute(annual):
        stored[pid].values["annual_plan_wan"][year] = amount
    return list(stored.values())
