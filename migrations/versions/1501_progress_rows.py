"""progress read model: one row per project and period with approved figures and the warning

Revision ID: 1501
Revises: 1301
"""

import sqlalchemy as sa
from alembic import op

revision = "1501"
down_revision = "1301"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "progress_rows",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("last_report_id", sa.Integer(), nullable=True),
        sa.Column("percent_complete", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("period_invested_wan", sa.Numeric(precision=16, scale=4), nullable=True),
        sa.Column("year_invested_wan", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("cumulative_invested_wan", sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column("reported_in_period", sa.Boolean(), nullable=False),
        sa.Column("expected_pct", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("behind_points", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column(
            "level",
            sa.Enum(
                "green",
                "yellow",
                "red",
                "unreported",
                "inactive",
                name="level_values",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("days_behind", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["last_report_id"],
            ["status_reports.id"],
            name=op.f("fk_progress_rows_last_report_id_status_reports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_periods.id"],
            name=op.f("fk_progress_rows_period_id_reporting_periods"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_progress_rows_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "period_id", name=op.f("pk_progress_rows")),
    )
    op.create_index("ix_progress_rows_period_id_level", "progress_rows", ["period_id", "level"])


def downgrade() -> None:
    op.drop_index("ix_progress_rows_period_id_level", table_name="progress_rows")
    op.drop_table("progress_rows")
