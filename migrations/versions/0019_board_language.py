"""board language: the language each maker's board speaks, remembered for their pseudonym

Revision ID: 0019
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_column("language")
