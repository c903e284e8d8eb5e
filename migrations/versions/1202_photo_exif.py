"""a photo attachment's EXIF time and GPS position

Revision ID: 1202
Revises: 1302
"""

import sqlalchemy as sa
from alembic import op

revision = "1202"
down_revision = "1302"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("taken_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("gps_lat", sa.Numeric(precision=9, scale=6), nullable=True))
        batch.add_column(sa.Column("gps_lon", sa.Numeric(precision=9, scale=6), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("gps_lon")
        batch.drop_column("gps_lat")
        batch.drop_column("taken_at")
