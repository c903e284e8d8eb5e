"""plan adjustments (规划调整): each plan's frozen baseline, its projects, and every later adjustment

Revision ID: 1302
Revises: 1801
"""

import sqlalchemy as sa
from alembic import op

revision = "1302"
down_revision = "1801"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_baselines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("frozen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_plan_baselines_batch_id_import_batches")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_baselines_plan_id_plans")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_plan_baselines_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_baselines")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_plan_baselines_plan_id")),
    )
    op.create_table(
        "baseline_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("baseline_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("start_year", sa.Integer(), nullable=True),
        sa.Column("end_year", sa.Integer(), nullable=True),
        sa.Column("total_investment_wan", sa.Numeric(precision=16, scale=4), nullable=True),
        sa.Column("span_investment_wan", sa.Numeric(precision=16, scale=4), nullable=True),
        sa.Column("annual", sa.JSON(), nullable=False),
        sa.Column("member", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["baseline_id"],
            ["plan_baselines.id"],
            name=op.f("fk_baseline_projects_baseline_id_plan_baselines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_baseline_projects_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_baseline_projects")),
        sa.UniqueConstraint(
            "baseline_id", "project_id", name=op.f("uq_baseline_projects_baseline_id_project_id")
        ),
    )
    with op.batch_alter_table("baseline_projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_baseline_projects_project_id"), ["project_id"], unique=False)

    op.create_table(
        "plan_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "added",
                "changed",
                "withdrawn",
                name="adjustmentkind_values",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("doc_number", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_plan_adjustments_batch_id_import_batches")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_adjustments_plan_id_plans")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_plan_adjustments_project_id_projects")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_plan_adjustments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_adjustments")),
    )
    with op.batch_alter_table("plan_adjustments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_adjustments_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_adjustments_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_adjustments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_adjustments_project_id"))
        batch_op.drop_index(batch_op.f("ix_plan_adjustments_plan_id"))

    op.drop_table("plan_adjustments")
    with op.batch_alter_table("baseline_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_baseline_projects_project_id"))

    op.drop_table("baseline_projects")
    op.drop_table("plan_baselines")
