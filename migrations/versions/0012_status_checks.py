"""status columns carry CHECK constraints: the state machines are visible in the schema

Revision ID: 0012
Revises: 0011

The lists are written out here, not read from ``configurator.states``: a migration describes
the schema as it was at this revision, whatever the enums become later.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

STATUSES = {
    "design": ("draft", "submitted", "approved", "ordered"),
    "proof": ("queued", "rendering", "ready", "failed"),
    "order": ("confirmed", "in_production", "quality_check", "packed", "shipped", "delivered", "cancelled"),
    "production_job": ("queued", "claimed", "in_progress", "paused", "problem", "done"),
    "document": ("queued", "rendering", "ready", "failed"),
    "outbox_message": ("pending", "sending", "sent", "failed"),
}


def upgrade():
    for table, statuses in STATUSES.items():
        allowed = ", ".join(f"'{status}'" for status in statuses)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f"ck_{table}_status"), f"status IN ({allowed})")


def downgrade():
    for table in reversed(STATUSES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_status"), type_="check")
