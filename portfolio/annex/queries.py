"""Reads for the annex pages: past import batches and the register's fingerprint for stale previews."""

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portfolio.annex.models import ImportBatch
from portfolio.auth.models import User
from portfolio.db import session
from portfolio.projects.models import AnnualPlan, Plan, Project, ProjectLocation, ProjectUnit


def _batches():
    return (
        select(ImportBatch, Plan.short_name, User.display_name)
        .join(Plan, Plan.id == ImportBatch.plan_id)
        .outerjoin(User, User.id == ImportBatch.user_id)
    )


def list_batches(limit: int = 200) -> list[tuple[ImportBatch, str, str | None]]:
    """Newest first, with the plan's short name and the importer's display name (one query)."""
    rows = session.execute(_batches().order_by(ImportBatch.id.desc()).limit(limit))
    return [(batch, plan, user) for batch, plan, user in rows]


def get_batch(batch_id: int) -> tuple[ImportBatch, str, str | None] | None:
    row = session.execute(_batches().where(ImportBatch.id == batch_id)).first()
    return (row[0], row[1], row[2]) if row else None


def list_batch_projects(batch: ImportBatch) -> list[Project]:
    """The projects this batch created or last changed."""
    return list(
        session.scalars(
            select(Project)
            .where(Project.import_batch_id == batch.id)
            .options(selectinload(Project.category))
            .order_by(Project.category_id, Project.source_row)
        )
    )


def register_fingerprint(plan: Plan) -> str:
    """Changes whenever a project of the plan, its annual plans, units or locations are added, edited
    or imported: a preview made before that is stale."""
    in_plan = select(Project.id).where(Project.plan_id == plan.id).scalar_subquery()
    parts = (
        select(func.count(Project.id), func.sum(Project.version), func.max(Project.updated_at)).where(
            Project.plan_id == plan.id
        ),
        select(func.max(ImportBatch.id)).where(ImportBatch.plan_id == plan.id),
        select(func.count(), func.sum(AnnualPlan.amount_wan)).where(AnnualPlan.project_id.in_(in_plan)),
        select(func.count(), func.sum(ProjectUnit.unit_id * (ProjectUnit.position + 1))).where(
            ProjectUnit.project_id.in_(in_plan)
        ),
        select(func.count(), func.sum(ProjectLocation.location_id)).where(
            ProjectLocation.project_id.in_(in_plan)
        ),
    )
    raw = ":".join(str(tuple(session.execute(q).one())) for q in parts)
    return hashlib.sha256(f"{plan.id}:{raw}".encode()).hexdigest()[:32]
