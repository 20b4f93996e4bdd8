"""cancellations: the credit note a cancelled order's invoice gets

Revision ID: 0024
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "credit_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("charge", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("refund", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_credit_note_amount_not_negative")),
        sa.CheckConstraint("refund >= 0", name=op.f("ck_credit_note_refund_not_negative")),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"], name=op.f("fk_credit_note_invoice_id_invoice")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["user.id"], name=op.f("fk_credit_note_issued_by_id_user")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_credit_note_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_note")),
        sa.UniqueConstraint("invoice_id", name=op.f("uq_credit_note_invoice_id")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_note_number")),
    )
    with op.batch_alter_table("credit_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_note_issued_on"), ["issued_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_note_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    with op.batch_alter_table("credit_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_note_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_credit_note_issued_on"))
    op.drop_table("credit_note")
