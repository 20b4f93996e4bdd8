"""recipient imports are checked by a worker: a status, progress counts and a lease

Revision ID: 0020
Revises: 0019

An import whose columns were already matched was checked in the request that matched them, so
it becomes 'checked'; the others still wait for their mapping. Going below, an import a worker
has not finished loses its mapping and is matched again. The statuses are written out
here, not read from ``configurator.states`` (a migration describes the schema of its revision).
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

STATUSES = ("mapping", "queued", "checking", "checked", "failed")

recipient_import = sa.table(
    "recipient_import",
    sa.column("mapping", sa.JSON),
    sa.column("status", sa.String),
)


def upgrade():
    with op.batch_alter_table("recipient_import") as batch:
        batch.add_column(sa.Column("status", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("rows_checked", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("rows_saved", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("lease_token", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("lost_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("failure_reason", sa.Text(), nullable=True))
    connection = op.get_bind()
    mapped = sa.func.coalesce(sa.cast(recipient_import.c.mapping, sa.Text), "null") != "null"
    connection.execute(
        recipient_import.update().values(status=sa.case((mapped, "checked"), else_="mapping"))
    )
    allowed = ", ".join(f"'{status}'" for status in STATUSES)
    with op.batch_alter_table("recipient_import") as batch:
        batch.alter_column("status", existing_type=sa.String(length=20), nullable=False)
        for name in ("rows_checked", "rows_saved", "lost_attempts"):
            batch.alter_column(name, existing_type=sa.Integer(), server_default=None)
        batch.create_check_constraint(op.f("ck_recipient_import_status"), f"status IN ({allowed})")


def downgrade():
    # Below this revision a mapped import is a checked one: an import still waiting for its worker
    # is matched again (its rows are all kept; the old request checks them).
    op.get_bind().execute(
        recipient_import.update().where(recipient_import.c.status != "checked").values(mapping=None)
    )
    with op.batch_alter_table("recipient_import") as batch:
        batch.drop_constraint(op.f("ck_recipient_import_status"), type_="check")
        batch.drop_column("failure_reason")
        batch.drop_column("lost_attempts")
        batch.drop_column("lease_expires_at")
        batch.drop_column("lease_token")
        batch.drop_column("rows_saved")
        batch.drop_column("rows_checked")
        batch.drop_column("status")
