"""billing: an organisation's billing details, PO numbers on designs and orders, invoices

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TAX_STATUSES = ("TAXABLE", "EXEMPT")
PAYMENT_TERMS = ("DUE_ON_RECEIPT", "NET_15", "NET_30")
"""Names as stored in this revision (written out: a migration describes its own revision)."""


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("billing_address", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("billing_contact_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("billing_contact_email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column(
                "tax_status",
                sa.Enum(*TAX_STATUSES, name="taxstatus", native_enum=False, length=20),
                server_default="TAXABLE",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("tax_certificate", sa.String(length=60), nullable=True))
        batch_op.add_column(
            sa.Column(
                "payment_terms",
                sa.Enum(*PAYMENT_TERMS, name="paymentterms", native_enum=False, length=20),
                server_default="DUE_ON_RECEIPT",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("po_required", sa.Boolean(), server_default=sa.false(), nullable=False))
    for table in ("design", "order"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("po_number", sa.String(length=40), nullable=True))
            batch_op.add_column(sa.Column("cost_centre", sa.String(length=100), nullable=True))
    op.create_table(
        "number_sequence",
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("next", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_number_sequence")),
    )
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "payment_terms",
            sa.Enum(*PAYMENT_TERMS, name="paymentterms", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["order.id"], name=op.f("fk_invoice_order_id_order")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_invoice_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint("number", name=op.f("uq_invoice_number")),
        sa.UniqueConstraint("order_id", name=op.f("uq_invoice_order_id")),
    )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_organisation_id"))
    op.drop_table("invoice")
    op.drop_table("number_sequence")
    for table in ("order", "design"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("cost_centre")
            batch_op.drop_column("po_number")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        for column in (
            "po_required",
            "payment_terms",
            "tax_certificate",
            "tax_status",
            "billing_contact_email",
            "billing_contact_name",
            "billing_address",
        ):
            batch_op.drop_column(column)
