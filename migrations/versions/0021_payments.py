"""payments: money received against an invoice, the deposit an invoice asks for, and staff's deposit setting

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

METHODS = ("BANK_TRANSFER", "CHEQUE", "CARD", "OTHER")
PROVIDERS = ("MANUAL",)
"""Names as stored in this revision (written out: a migration describes its own revision)."""


def upgrade():
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deposit_percent", sa.Numeric(precision=5, scale=2), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("deposit", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False)
        )
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("method", sa.Enum(*METHODS, name="paymentmethod", native_enum=False, length=20), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column(
            "provider", sa.Enum(*PROVIDERS, name="paymentsource", native_enum=False, length=20), nullable=False
        ),
        sa.Column("provider_reference", sa.String(length=120), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_amount_positive")),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"], name=op.f("fk_payment_invoice_id_invoice")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_payment_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"], name=op.f("fk_payment_recorded_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint("provider", "provider_reference", name="uq_payment_provider_reference"),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_invoice_id"), ["invoice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_organisation_id"), ["organisation_id"], unique=False)
    op.create_table(
        "deposit_setting",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("above", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_deposit_setting_single_row")),
        sa.CheckConstraint("above >= 0", name=op.f("ck_deposit_setting_above_not_negative")),
        sa.CheckConstraint("percent >= 0 AND percent <= 100", name=op.f("ck_deposit_setting_percent_range")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], name=op.f("fk_deposit_setting_updated_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposit_setting")),
    )


def downgrade():
    op.drop_table("deposit_setting")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_payment_invoice_id"))
    op.drop_table("payment")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_column("deposit")
        batch_op.drop_column("deposit_percent")
