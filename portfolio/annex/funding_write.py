"""Writing the funding an annex gives: planned amounts by source and the note of text it could not split."""

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


def insert_funding(created: list[tuple[int, ProjectRecord]], sources: dict[str, int]) -> None:
    """New projects' breakdowns and notes, in two executemany inserts."""
    amounts = [
        {"project_id": pid, "source_id": sources[name], "amount_wan": amount}
        for pid, r in created
        for name, amount in (r.funding or {}).items()
        if amount is not None
    ]
    notes = [{"project_id": pid, "text": r.funding_note} for pid, r in created if r.funding_note]
    if amounts:
        session.execute(insert(ProjectFunding), amounts)
    if notes:
        session.execute(insert(ProjectFundingNote), notes)


def replace_funding(project_id: int, r: ProjectRecord, sources: dict[str, int], changed) -> None:
    """A changed project's breakdown or note, replaced by the file's."""
    if "funding" in changed:
        session.execute(delete(ProjectFunding).where(ProjectFunding.project_id == project_id))
        rows = [
            {"project_id": project_id, "source_id": sources[name], "amount_wan": amount}
            for name, amount in (r.funding or {}).items()
            if amount is not None
        ]
        if rows:
            session.execute(insert(ProjectFunding), rows)
    if "funding_note" in changed:
        session.execute(delete(ProjectFundingNote).where(ProjectFundingNote.project_id == project_id))
        if r.funding_note:
            session.execute(insert(ProjectFundingNote), [{"project_id": project_id, "text": r.funding_note}])
