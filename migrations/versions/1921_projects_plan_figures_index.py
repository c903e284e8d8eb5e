"""projects plan figures index: the columns the summary and the dashboard group by and add up, per plan

Revision ID: 1921
Revises: 1102
"""

from alembic import op

revision = "1921"
down_revision = "1102"
branch_labels = None
depends_on = None

COLUMNS = ["plan_id", "category_id", "status", "total_investment_wan", "span_investment_wan"]


def upgrade() -> None:
    op.create_index("ix_projects_plan_figures", "projects", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_projects_plan_figures", table_name="projects")
