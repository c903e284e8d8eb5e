"""The report's reads of a round's assessments, as plain rows in a fixed number of statements.

At 10,000 projects, loading each assessment with its project, category, locations, units, milestones and
annual plans as ORM objects cost more time and memory than building the report and writing its workbook
together. An Assessed row answers what the report and the classification (classify.classify_project)
read of an assessment and its project.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select

from portfolio.auth.models import User
from portfolio.db import session
from portfolio.evaluation.models import EvaluationRound, ProjectAssessment, ProjectClass
from portfolio.projects.models import (
    AnnualPlan,
    Category,
    LifecycleStatus,
    Location,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Project,
    ProjectLocation,
    ProjectUnit,
    Unit,
)

ZERO = Decimal(0)


class MilestoneRow(NamedTuple):
    kind: MilestoneKind
    title: str | None
    planned_date: date | None
    actual_date: date | None
    status: MilestoneStatus


class Place(NamedTuple):
    name: str
    sort_order: int


@dataclass(eq=False)
class Assessed:
    """One assessment with its project's fields (the project's under the names classification reads)."""

    assessment_id: int
    computed_class: ProjectClass
    final_class: ProjectClass
    override_reason: str | None
    score: Decimal | None
    comment: str | None
    reviewer: str | None  # the reviewer's display name
    id: int  # the project's
    plan_id: int
    status: LifecycleStatus
    planned_start: date | None
    planned_end: date | None
    pre_tracking_invested_wan: Decimal | None
    seq_no: int | None
    name: str
    span_investment_wan: Decimal | None
    category: str  # its name
    locations: list[Place] = field(default_factory=list)
    lead_unit: str = ""
    milestones: list[MilestoneRow] = field(default_factory=list)
    planned_to_date_wan: Decimal = ZERO  # annual plans up to the round's year


_COLUMNS = (
    ProjectAssessment.id,
    ProjectAssessment.computed_class,
    ProjectAssessment.final_class,
    ProjectAssessment.override_reason,
    ProjectAssessment.score,
    ProjectAssessment.comment,
    User.display_name,
    Project.id,
    Project.plan_id,
    Project.status,
    Project.planned_start,
    Project.planned_end,
    Project.pre_tracking_invested_wan,
    Project.seq_no,
    Project.name,
    Project.span_investment_wan,
    Category.name,
)


def list_assessed(round_: EvaluationRound, assessment_id: int | None = None) -> list[Assessed]:
    """The round's assessments (or one) in annex order, with their projects: six statements."""
    stmt = (
        select(*_COLUMNS)
        .join(Project, Project.id == ProjectAssessment.project_id)
        .join(Category, Category.id == Project.category_id)
        .outerjoin(User, User.id == ProjectAssessment.reviewer_id)
        .where(ProjectAssessment.round_id == round_.id)
        .order_by(Category.number, Project.seq_no, Project.id)
    )
    if assessment_id is not None:
        stmt = stmt.where(ProjectAssessment.id == assessment_id)
    found = {row[7]: Assessed(*row) for row in session.execute(stmt)}
    ids = select(ProjectAssessment.project_id).where(ProjectAssessment.round_id == round_.id)
    if assessment_id is not None:
        ids = ids.where(ProjectAssessment.id == assessment_id)
    places = (
        select(ProjectLocation.project_id, Location.name, Location.sort_order)
        .join(Location, Location.id == ProjectLocation.location_id)
        .where(ProjectLocation.project_id.in_(ids))
        .order_by(Location.sort_order, Location.id)
    )
    for pid, name, order in session.execute(places):
        found[pid].locations.append(Place(name, order))
    leads = (
        select(ProjectUnit.project_id, Unit.name)
        .join(Unit, Unit.id == ProjectUnit.unit_id)
        .where(ProjectUnit.project_id.in_(ids), ProjectUnit.is_lead)
        .order_by(ProjectUnit.position)
    )
    for pid, name in session.execute(leads):
        found[pid].lead_unit = found[pid].lead_unit or name  # the first by position
    milestones = (
        select(
            Milestone.project_id,
            Milestone.kind,
            Milestone.title,
            Milestone.planned_date,
            Milestone.actual_date,
            Milestone.status,
        )
        .where(Milestone.project_id.in_(ids))
        .order_by(Milestone.planned_date, Milestone.id)
    )
    for pid, *milestone in session.execute(milestones):
        found[pid].milestones.append(MilestoneRow(*milestone))
    plans = select(AnnualPlan.project_id, AnnualPlan.amount_wan).where(
        AnnualPlan.project_id.in_(ids), AnnualPlan.year <= round_.as_of.year
    )
    for pid, amount in session.execute(plans):
        found[pid].planned_to_date_wan += amount or ZERO
    return list(found.values())
