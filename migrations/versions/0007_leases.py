"""leases on proof renders and outbox sends

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GENERIC = "We could not draw this proof. Our team has been told and will look at it."


def upgrade():
    with op.batch_alter_table("proof", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lost_attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("lease_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(), nullable=True))
    # Reasons written before this revision could hold raw exception text (SQL included), and
    # staff read them: keep only the sentences the render limits wrote.
    op.execute(
        sa.text(
            "UPDATE proof SET failure_reason = :generic WHERE failure_reason IS NOT NULL"
            " AND failure_reason NOT LIKE 'Rendering was stopped after %'"
            " AND failure_reason NOT LIKE 'Rendering needed more than %'"
        ).bindparams(generic=GENERIC)
    )
    op.execute(sa.text("UPDATE outbox_message SET last_error = NULL"))


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_token")
    with op.batch_alter_table("proof", schema=None) as batch_op:
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_token")
        batch_op.drop_column("lost_attempts")
