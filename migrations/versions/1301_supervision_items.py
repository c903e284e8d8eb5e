"""supervision items (督办): items, their events (history) and the files attached to answers

Revision ID: 1301
Revises: 1402
"""

import sqlalchemy as sa
from alembic import op

revision = "1301"
down_revision = "1402"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervision_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("county_id", sa.Integer(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("measures_required", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "issued",
                "answered",
                "returned",
                "closed",
                name="itemstate_values",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("number > 0", name=op.f("ck_supervision_items_number_positive")),
        sa.CheckConstraint(
            "unit_id IS NOT NULL OR county_id IS NOT NULL", name=op.f("ck_supervision_items_responsible")
        ),
        sa.ForeignKeyConstraint(
            ["county_id"], ["locations.id"], name=op.f("fk_supervision_items_county_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_supervision_items_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_supervision_items_project_id_projects")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_supervision_items_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_items")),
        sa.UniqueConstraint("year", "number", name=op.f("uq_supervision_items_year_number")),
    )
    with op.batch_alter_table("supervision_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_items_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supervision_items_state"), ["state"], unique=False)

    op.create_table(
        "supervision_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "issued",
                "answered",
                "returned",
                "closed",
                "escalated",
                name="eventkind_values",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("measures_taken", sa.Text(), nullable=True),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["supervision_items.id"],
            name=op.f("fk_supervision_events_item_id_supervision_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_supervision_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_events")),
    )
    with op.batch_alter_table("supervision_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_events_item_id"), ["item_id"], unique=False)

    op.create_table(
        "supervision_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["supervision_events.id"],
            name=op.f("fk_supervision_files_event_id_supervision_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_files")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_supervision_files_stored_name")),
    )
    with op.batch_alter_table("supervision_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_files_event_id"), ["event_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("supervision_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_files_event_id"))

    op.drop_table("supervision_files")
    with op.batch_alter_table("supervision_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_events_item_id"))

    op.drop_table("supervision_events")
    with op.batch_alter_table("supervision_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_items_state"))
        batch_op.drop_index(batch_op.f("ix_supervision_items_project_id"))

    op.drop_table("supervision_items")
