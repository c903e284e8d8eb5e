"""The projects a sheet holds, read as plain rows: at 10,000 projects, building an ORM object per project,
per location link and per unit link cost more than gathering the figures and writing the sheet together.

A SheetProject answers the attributes the sheets read from a Project (the progress read model, the
progress sheet, the per-county grouping and the supervision list). Categories, sub-categories, locations
and units are the session's own objects, each loaded once.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Select, select

from portfolio.db import session
from portfolio.projects.models import (
    Category,
    LifecycleStatus,
    Location,
    Project,
    ProjectLocation,
    ProjectUnit,
    Subcategory,
    Unit,
)

COLUMNS = (
    Project.id,
    Project.plan_id,
    Project.status,
    Project.planned_start,
    Project.planned_end,
    Project.name,
    Project.seq_no,
    Project.start_year,
    Project.end_year,
    Project.total_investment_wan,
    Project.span_investment_wan,
    Project.pre_tracking_invested_wan,
    Project.category_id,
    Project.subcategory_id,
)


class UnitLink(NamedTuple):
    unit: Unit
    is_lead: bool
    position: int


@dataclass(eq=False)
class SheetProject:
    id: int
    plan_id: int
    status: LifecycleStatus
    planned_start: date | None
    planned_end: date | None
    name: str
    seq_no: int | None
    start_year: int | None
    end_year: int | None
    total_investment_wan: Decimal | None
    span_investment_wan: Decimal | None
    pre_tracking_invested_wan: Decimal | None
    category: Category
    subcategory: Subcategory | None
    locations: list[Location] = field(default_factory=list)
    unit_links: list[UnitLink] = field(default_factory=list)

    @property
    def lead_unit(self) -> Unit | None:
        return next((link.unit for link in self.unit_links if link.is_lead), None)


def load_sheet_projects(stmt: Select) -> list[SheetProject]:
    """What `stmt` (a SELECT of Project) selects, with categories, locations and units: seven queries."""
    ids = stmt.with_only_columns(Project.id).scalar_subquery()
    used_categories = select(Project.category_id).where(Project.id.in_(ids))
    used_subs = select(Project.subcategory_id).where(Project.id.in_(ids))
    categories = {c.id: c for c in session.scalars(select(Category).where(Category.id.in_(used_categories)))}
    subs = {s.id: s for s in session.scalars(select(Subcategory).where(Subcategory.id.in_(used_subs)))}
    projects = {}
    for row in session.execute(stmt.with_only_columns(*COLUMNS)):
        *head, category_id, subcategory_id = row
        projects[row.id] = SheetProject(*head, categories[category_id], subs.get(subcategory_id))
    locations = {loc.id: loc for loc in session.scalars(select(Location))}
    links = select(ProjectLocation.project_id, ProjectLocation.location_id).where(
        ProjectLocation.project_id.in_(ids)
    )
    for project_id, location_id in session.execute(links):
        projects[project_id].locations.append(locations[location_id])
    for project in projects.values():
        project.locations.sort(key=lambda loc: (loc.sort_order, loc.id))
    unit_rows = select(ProjectUnit.project_id, ProjectUnit.unit_id, ProjectUnit.is_lead, ProjectUnit.position)
    unit_rows = unit_rows.where(ProjectUnit.project_id.in_(ids)).order_by(ProjectUnit.position)
    used = select(ProjectUnit.unit_id).where(ProjectUnit.project_id.in_(ids))
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(used)))}
    for project_id, unit_id, is_lead, position in session.execute(unit_rows):
        projects[project_id].unit_links.append(UnitLink(units[unit_id], is_lead, position))
    return list(projects.values())
