"""progress rows behind index: a period's rows by how far behind schedule, for the dashboard's ten laggards

Revision ID: 1922
Revises: 1921
"""

from alembic import op

revision = "1922"
down_revision = "1921"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_progress_rows_period_id_behind_points", "progress_rows", ["period_id", "behind_points"]
    )


def downgrade() -> None:
    op.drop_index("ix_progress_rows_period_id_behind_points", table_name="progress_rows")
