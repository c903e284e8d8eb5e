"""audit entries name the plan-period investment span_investment_wan, as the register does

The annex importer recorded it as fyp_investment_wan while project edits used span_investment_wan, so
one field had two keys in the audit log. Data only; the audit log is otherwise append-only.

Revision ID: 1601
Revises: 1202
"""

import sqlalchemy as sa
from alembic import op

revision = "1601"
down_revision = "1202"
branch_labels = None
depends_on = None

OLD, NEW = "fyp_investment_wan", "span_investment_wan"
# Only the annex importer wrote the old key, so only its entries change either way.
IMPORT_ACTIONS = ("project.import_create", "project.import_update")

entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)


def _renamed(values, old: str, new: str):
    if not isinstance(values, dict) or old not in values:
        return values
    return {(new if k == old else k): v for k, v in values.items()}


def _rename(old: str, new: str, actions: tuple[str, ...]) -> None:
    conn = op.get_bind()
    query = sa.select(entries.c.id, entries.c.before, entries.c.after).where(entries.c.action.in_(actions))
    for entry_id, before, after in conn.execute(query).all():
        new_before, new_after = _renamed(before, old, new), _renamed(after, old, new)
        if new_before is not before or new_after is not after:
            conn.execute(
                entries.update().where(entries.c.id == entry_id).values(before=new_before, after=new_after)
            )


def upgrade() -> None:
    _rename(OLD, NEW, IMPORT_ACTIONS)


def downgrade() -> None:
    _rename(NEW, OLD, IMPORT_ACTIONS)
