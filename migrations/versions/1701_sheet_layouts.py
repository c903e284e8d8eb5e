"""sheet layouts: planners' sheet layouts (版式) and their saved versions

Revision ID: 1701
Revises: 1101
"""

import sqlalchemy as sa
from alembic import op

revision = "1701"
down_revision = "1101"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sheet_layouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_sheet_layouts_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sheet_layouts")),
        sa.UniqueConstraint("name", name=op.f("uq_sheet_layouts_name")),
    )
    op.create_table(
        "sheet_layout_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layout_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["layout_id"],
            ["sheet_layouts.id"],
            name=op.f("fk_sheet_layout_versions_layout_id_sheet_layouts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_id"], ["users.id"], name=op.f("fk_sheet_layout_versions_saved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sheet_layout_versions")),
        sa.UniqueConstraint("layout_id", "version", name=op.f("uq_sheet_layout_versions_layout_id_version")),
    )
    with op.batch_alter_table("sheet_layout_versions") as batch_op:
        batch_op.create_index(batch_op.f("ix_sheet_layout_versions_layout_id"), ["layout_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sheet_layout_versions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_sheet_layout_versions_layout_id"))
    op.drop_table("sheet_layout_versions")
    op.drop_table("sheet_layouts")
