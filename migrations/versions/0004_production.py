"""capacity, shipments and maker board

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # Makers are pseudonyms only: no email. The workshop tablet logs in instead.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=True)

    op.create_table(
        "capacity_day",
        sa.Column("weekday", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("maker_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_capacity_day_weekday_range")),
        sa.CheckConstraint("maker_minutes >= 0", name=op.f("ck_capacity_day_minutes_not_negative")),
        sa.PrimaryKeyConstraint("weekday", name=op.f("pk_capacity_day")),
    )
    op.create_table(
        "capacity_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("maker_minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=120), nullable=False),
        sa.CheckConstraint("maker_minutes >= 0", name=op.f("ck_capacity_exception_minutes_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_exception")),
        sa.UniqueConstraint("day", name=op.f("uq_capacity_exception_day")),
    )
    op.create_table(
        "shipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=60), nullable=False),
        sa.Column("tracking_number", sa.String(length=80), nullable=False),
        sa.Column("boxes", sa.Integer(), nullable=False),
        sa.Column("shipped_at", sa.DateTime(), nullable=False),
        sa.Column("shipped_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["order.id"], name=op.f("fk_shipment_order_id_order")),
        sa.ForeignKeyConstraint(["shipped_by_id"], ["user.id"], name=op.f("fk_shipment_shipped_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment")),
    )
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_order_id"), ["order_id"], unique=False)


def downgrade():
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_order_id"))
    op.drop_table("shipment")
    op.drop_table("capacity_exception")
    op.drop_table("capacity_day")
    # Pseudonym-only makers get a placeholder address that can never receive mail (RFC 2606).
    op.execute(
        sa.text("UPDATE \"user\" SET email = 'maker-' || id || '@workshop.invalid' WHERE email IS NULL")
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=False)
