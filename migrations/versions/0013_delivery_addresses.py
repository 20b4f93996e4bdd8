"""delivery addresses: where a design's boxes go, and the copy frozen into its order

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "delivery_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("design_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("boxes", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("company", sa.String(length=100), nullable=False),
        sa.Column("street", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("city_area", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("postal_code", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("hours", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(design_id IS NULL) <> (order_id IS NULL)", name=op.f("ck_delivery_address_design_or_order")
        ),
        sa.CheckConstraint("boxes IS NULL OR boxes > 0", name=op.f("ck_delivery_address_boxes_positive")),
        sa.ForeignKeyConstraint(
            ["design_id"], ["design.id"], name=op.f("fk_delivery_address_design_id_design")
        ),
        sa.ForeignKeyConstraint(["order_id"], ["order.id"], name=op.f("fk_delivery_address_order_id_order")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_delivery_address_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_address")),
        sa.UniqueConstraint("design_id", name=op.f("uq_delivery_address_design_id")),
        sa.UniqueConstraint("order_id", name=op.f("uq_delivery_address_order_id")),
    )
    with op.batch_alter_table("delivery_address", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_address_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("delivery_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_address_organisation_id"))
    op.drop_table("delivery_address")
