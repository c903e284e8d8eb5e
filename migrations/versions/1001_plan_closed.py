"""plans can be closed when finished: read-only except evaluation

Revision ID: 1001
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "1001"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("closed_at")
