"""funding sources: each plan's list, projects' planned breakdown, funds received per report

Revision ID: 1401
Revises: 1001
"""

import sqlalchemy as sa
from alembic import op

revision = "1401"
down_revision = "1001"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(16, 4)


def upgrade() -> None:
    op.create_table(
        "funding_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_funding_sources_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_sources")),
        sa.UniqueConstraint("plan_id", "name", name=op.f("uq_funding_sources_plan_id_name")),
    )
    op.create_index(op.f("ix_funding_sources_plan_id"), "funding_sources", ["plan_id"])
    for table, parent, parent_table in (
        ("project_funding", "project_id", "projects"),
        ("report_funding", "report_id", "status_reports"),
    ):
        op.create_table(
            table,
            sa.Column(parent, sa.Integer(), nullable=False),
            sa.Column("source_id", sa.Integer(), nullable=False),
            sa.Column("amount_wan", MONEY, nullable=False),
            sa.CheckConstraint("amount_wan >= 0", name=op.f(f"ck_{table}_amount_nonneg")),
            sa.ForeignKeyConstraint(
                [parent],
                [f"{parent_table}.id"],
                name=op.f(f"fk_{table}_{parent}_{parent_table}"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["source_id"],
                ["funding_sources.id"],
                name=op.f(f"fk_{table}_source_id_funding_sources"),
                ondelete="RESTRICT",
            ),
            sa.PrimaryKeyConstraint(parent, "source_id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_source_id"), table, ["source_id"])
    op.create_table(
        "project_funding_notes",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_funding_notes_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_funding_notes")),
    )


def downgrade() -> None:
    op.drop_table("project_funding_notes")
    for table in ("report_funding", "project_funding"):
        op.drop_index(op.f(f"ix_{table}_source_id"), table_name=table)
        op.drop_table(table)
    op.drop_index(op.f("ix_funding_sources_plan_id"), table_name="funding_sources")
    op.drop_table("funding_sources")
