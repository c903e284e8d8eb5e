"""The counties and units of a page of projects, as plain names: every paged list shows them (the register,
the period page, the evaluation round). Beside the reporting pages, below the register, so all may use it."""

from sqlalchemy import select

from portfolio.db import session
from portfolio.projects.models import Location, ProjectLocation, ProjectUnit, Unit


def list_place_names(ids) -> tuple[dict[int, list[str]], dict[int, list[tuple[str, bool]]]]:
    """For a page of projects: id → county names (in county order), id → (unit name, is lead) in position
    order; two statements, plain names, no ORM objects."""
    locations: dict[int, list[str]] = {}
    for project_id, name in session.execute(
        select(ProjectLocation.project_id, Location.name)
        .join(Location, Location.id == ProjectLocation.location_id)
        .where(ProjectLocation.project_id.in_(ids))
        .order_by(ProjectLocation.project_id, Location.sort_order)
    ):
        locations.setdefault(project_id, []).append(name)
    units: dict[int, list[tuple[str, bool]]] = {}
    for project_id, name, lead in session.execute(
        select(ProjectUnit.project_id, Unit.name, ProjectUnit.is_lead)
        .join(Unit, Unit.id == ProjectUnit.unit_id)
        .where(ProjectUnit.project_id.in_(ids))
        .order_by(ProjectUnit.project_id, ProjectUnit.position)
    ):
        units.setdefault(project_id, []).append((name, lead))
    return locations, units
