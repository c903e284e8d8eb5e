"""projects.import_fingerprint: the project's version and a digest of the annex row it was last imported from

An unchanged re-import of a 10,000-project annex parsed, validated and compared every row again (7.6x a
bare read of the file). A row whose digest and version match is skipped: the project still holds exactly
what that row gives, because any edit in the app bumps the version.

Revision ID: 2011
Revises: 1931
"""

import sqlalchemy as sa
from alembic import op

revision = "2011"
down_revision = "1931"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("import_fingerprint", sa.String(48), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("import_fingerprint")
