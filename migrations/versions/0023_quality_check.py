"""quality check: staff's marks on the lines of an order's checklist (ticked, or an exception with a note)

Revision ID: 0023
Revises: 0021

The lines themselves are not stored: they come from the spec frozen into the order.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quality_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_key", sa.String(length=40), nullable=False),
        sa.Column("mark", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=False),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["marked_by_id"], ["user.id"], name=op.f("fk_quality_mark_marked_by_id_user")),
        sa.ForeignKeyConstraint(["order_id"], ["order.id"], name=op.f("fk_quality_mark_order_id_order")),
        sa.CheckConstraint("mark IN ('ticked', 'exception')", name=op.f("ck_quality_mark_mark")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_mark")),
        sa.UniqueConstraint("order_id", "line_key", name=op.f("uq_quality_mark_order_id")),
    )
    with op.batch_alter_table("quality_mark") as batch:
        batch.create_index(batch.f("ix_quality_mark_order_id"), ["order_id"], unique=False)


def downgrade():
    with op.batch_alter_table("quality_mark") as batch:
        batch.drop_index(batch.f("ix_quality_mark_order_id"))
    op.drop_table("quality_mark")
