"""The plan's stored projects as plain values for the diff: four Core queries, no ORM objects, so
comparing a 10,000-project annex with a 10,000-project register stays cheap. Amounts come back as
Decimal (Numeric), which compares equal to the file's Decimal whatever the trailing zeros."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Numeric, select, type_coerce

from portfolio.db import session
from portfolio.funding.models import FundingSource, ProjectFunding, ProjectFundingNote
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
    version: int
    import_fingerprint: str | None
    values: dict = field(default_factory=dict)  # the shape of ProjectRecord.comparable()


def _amount(column):
    """An amount read as a plain Numeric, without the display read guard: 80,000 of them per re-import,
    and an absurd stored amount then differs from the file's and is replaced instead of reading as blank."""
    return type_coerce(column, PLAIN_MONEY)


PLAIN_MONEY = Numeric(16, 4)

# Columns read for the diff, in ProjectRecord.comparable() order after the identifying ones.
VALUE_COLUMNS = {
    "nature": Project.nature,
    "content": Project.content,
    "start_year": Project.start_year,
    "end_year": Project.end_year,
    "total_investment_wan": _amount(Project.total_investment_wan),
    "span_investment_wan": _amount(Project.span_investment_wan),
    "planned_start": Project.planned_start,
    "planned_end": Project.planned_end,
    "note": Project.note,
    "pre_tracking_invested_wan": _amount(Project.pre_tracking_invested_wan),
    "pre_tracking_as_of": Project.pre_tracking_as_of,
}


def load_stored(plan_id: int, ids: list[int] | None = None) -> list[StoredProject]:
    """Every project of the plan (or only those of `ids`) with the values the diff compares."""
    conn = session.connection()  # Core rows: the ORM's row processing is not needed here
    head = (
        Project.id,
        Category.number,
        Subcategory.name,
        Project.name,
        Project.seq_no,
        Project.status,
        Project.source_sheet,
        Project.source_row,
        Project.updated_at,
        Project.version,
        Project.import_fingerprint,
    )
    query = (
        select(*head, *VALUE_COLUMNS.values())
        .join(Category, Category.id == Project.category_id)
        .outerjoin(Subcategory, Subcategory.id == Project.subcategory_id)
        .where(Project.plan_id == plan_id)
    )
    in_plan = select(Project.id).where(Project.plan_id == plan_id)
    if ids is not None:
        query, in_plan = query.where(Project.id.in_(ids)), in_plan.where(Project.id.in_(ids))
    stored = {}
    for r in conn.execute(query).all():
        project = stored[r[0]] = StoredProject(*r[: len(head)])
        project.values = dict(zip(VALUE_COLUMNS, r[len(head) :], strict=True))
        project.values.update(
            name=r[3], subcategory=r[2], seq_no=r[4], locations=[], units=[], annual_plan_wan={}
        )
        project.values.update(funding={}, funding_note=None)
    _attach_links(conn, in_plan, stored)
    return list(stored.values())


def _attach_links(conn, in_plan, stored: dict[int, StoredProject]) -> None:
    """Locations (in the city's order), units (lead first) and annual amounts, one query each."""
    locations = (
        select(ProjectLocation.project_id, Location.name)
        .join(Location, Location.id == ProjectLocation.location_id)
        .where(ProjectLocation.project_id.in_(in_plan))
        .order_by(Location.sort_order)
    )
    for pid, name in conn.execute(locations).all():
        stored[pid].values["locations"].append(name)
    units = (
        select(ProjectUnit.project_id, Unit.name)
        .join(Unit, Unit.id == ProjectUnit.unit_id)
        .where(ProjectUnit.project_id.in_(in_plan))
        .order_by(ProjectUnit.project_id, ProjectUnit.position)
    )
    for pid, name in conn.execute(units).all():
        stored[pid].values["units"].append(name)
    annual = select(AnnualPlan.project_id, AnnualPlan.year, _amount(AnnualPlan.amount_wan)).where(
        AnnualPlan.project_id.in_(in_plan), AnnualPlan.amount_wan.is_not(None)
    )
    for pid, year, amount in conn.execute(annual).all():
        stored[pid].values["annual_plan_wan"][year] = amount
    _attach_funding(conn, in_plan, stored)


def _attach_funding(conn, in_plan, stored: dict[int, StoredProject]) -> None:
    """Planned amounts by source name and the funding note, one query each."""
    funding = (
        select(ProjectFunding.project_id, FundingSource.name, ProjectFunding.amount_wan)
        .join(FundingSource, FundingSource.id == ProjectFunding.source_id)
        .where(ProjectFunding.project_id.in_(in_plan))
    )
    for pid, name, amount in conn.execute(funding):
        stored[pid].values["funding"][name] = amount
    notes = select(ProjectFundingNote.project_id, ProjectFundingNote.text).where(
        ProjectFundingNote.project_id.in_(in_plan)
    )
    for pid, text in conn.execute(notes):
        stored[pid].values["funding_note"] = text
