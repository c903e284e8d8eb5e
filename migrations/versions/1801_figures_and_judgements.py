"""figures and judgements: pre-tracking investment, project status history, verdicts on qualitative indicators

Revision ID: 1801
Revises: 1403
"""

import sqlalchemy as sa
from alembic import op

revision = "1801"
down_revision = "1403"
branch_labels = None
depends_on = None

CLASSES = ("completed_early", "completed", "on_schedule", "lagging", "not_started", "withdrawn", "cancelled")
STATUSES = ("planning", "under_construction", "completed", "suspended", "cancelled", "withdrawn")


def _status(name: str) -> sa.Enum:
    return sa.Enum(*STATUSES, name=name, native_enum=False, create_constraint=True, length=24)


def _classes(values: tuple[str, ...]) -> None:
    """Swap the CHECK constraints of the two class columns of project_assessments for these values."""
    listed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table("project_assessments", recreate="always") as batch_op:
        for column in ("computed_class", "final_class"):
            name = op.f(f"ck_project_assessments_{column}_values")
            batch_op.drop_constraint(name, type_="check")
            batch_op.create_check_constraint(name, f"{column} IN ({listed})")


def upgrade() -> None:
    _classes((*CLASSES, "manual"))  # 需人工研判: started, with no approved report to judge from
    with op.batch_alter_table("projects") as batch_op:
        batch_op.add_column(sa.Column("pre_tracking_invested_wan", sa.Numeric(16, 4), nullable=True))
        batch_op.add_column(sa.Column("pre_tracking_as_of", sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_projects_pre_tracking_nonneg"),
            "pre_tracking_invested_wan IS NULL OR pre_tracking_invested_wan >= 0",
        )
    op.create_table(
        "project_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("from_status", _status("from_status_values"), nullable=False),
        sa.Column("to_status", _status("to_status_values"), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_status_changes_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_project_status_changes_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_status_changes")),
    )
    op.create_index(op.f("ix_project_status_changes_project_id"), "project_status_changes", ["project_id"])
    op.create_table(
        "indicator_verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "verdict IN ('achieved', 'on_track', 'lagging', 'done', 'not_done')",
            name=op.f("ck_indicator_verdicts_verdict"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_verdicts_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_indicator_verdicts_reviewer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["evaluation_rounds.id"],
            name=op.f("fk_indicator_verdicts_round_id_evaluation_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_verdicts")),
        sa.UniqueConstraint(
            "round_id", "indicator_id", name=op.f("uq_indicator_verdicts_round_id_indicator_id")
        ),
    )
    op.create_index(op.f("ix_indicator_verdicts_indicator_id"), "indicator_verdicts", ["indicator_id"])
    op.create_index(op.f("ix_indicator_verdicts_round_id"), "indicator_verdicts", ["round_id"])


def downgrade() -> None:
    # 需人工研判 did not exist before: such assessments go back to what the old rule said (符合序时进度).
    for column in ("computed_class", "final_class"):
        op.execute(f"UPDATE project_assessments SET {column} = 'on_schedule' WHERE {column} = 'manual'")
    _classes(CLASSES)
    op.drop_index(op.f("ix_indicator_verdicts_round_id"), table_name="indicator_verdicts")
    op.drop_index(op.f("ix_indicator_verdicts_indicator_id"), table_name="indicator_verdicts")
    op.drop_table("indicator_verdicts")
    op.drop_index(op.f("ix_project_status_changes_project_id"), table_name="project_status_changes")
    op.drop_table("project_status_changes")
    with op.batch_alter_table("projects") as batch_op:
        batch_op.drop_constraint(op.f("ck_projects_pre_tracking_nonneg"), type_="check")
        batch_op.drop_column("pre_tracking_as_of")
        batch_op.drop_column("pre_tracking_invested_wan")
