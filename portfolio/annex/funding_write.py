"""Writing a changed project's funding from an annex: planned amounts by source and the note of text it
could not split (new projects' funding is written in bulk by create.py)."""

from sqlalchemy import delete, insert, select

from portfolio.annex.report import ProjectRecord
from portfolio.db import session
from portfolio.funding.models import FundingSource, ProjectFunding, ProjectFundingNote


def source_ids(plan_id: int) -> dict[str, int]:
    """The plan's source names → ids."""
    return dict(
        session.execute(
            select(FundingSource.name, FundingSource.id).where(FundingSource.plan_id == plan_id)
        ).all()
    )


def replace_funding(project_id: int, r: ProjectRecord, sources: dict[str, int], changed) -> None:
    """A changed project's breakdown or note, replaced by the file's.

    On the session's connection: an ORM statement would flush the session (and refresh the progress
    read model) before each changed project."""
    conn = session.connection()
    if "funding" in changed:
        table = ProjectFunding.__table__
        conn.execute(delete(table).where(table.c.project_id == project_id))
        rows = [
            {"project_id": project_id, "source_id": sources[name], "amount_wan": amount}
            for name, amount in (r.funding or {}).items()
            if amount is not None
        ]
        if rows:
            conn.execute(insert(table), rows)
    if "funding_note" in changed:
        table = ProjectFundingNote.__table__
        conn.execute(delete(table).where(table.c.project_id == project_id))
        if r.funding_note:
            conn.execute(insert(table), [{"project_id": project_id, "text": r.funding_note}])
