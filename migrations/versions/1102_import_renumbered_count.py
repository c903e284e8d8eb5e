"""import batches count projects whose only change was their 序号 (renumbered), apart from updates

Revision ID: 1102
Revises: 1303
"""

import sqlalchemy as sa
from alembic import op

revision = "1102"
down_revision = "1303"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.add_column(sa.Column("renumbered_count", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.drop_column("renumbered_count")
