"""logos and branding

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "logo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("original_format", sa.String(length=10), nullable=False),
        sa.Column("width_px", sa.Integer(), nullable=False),
        sa.Column("height_px", sa.Integer(), nullable=False),
        sa.Column("colours", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], name=op.f("fk_logo_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"], name=op.f("fk_logo_uploaded_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logo")),
        sa.UniqueConstraint("organisation_id", "sha256", name=op.f("uq_logo_organisation_id")),
    )
    with op.batch_alter_table("logo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_logo_organisation_id"), ["organisation_id"], unique=False)
    with op.batch_alter_table("proof", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quote", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("delivery_estimate", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("proof", schema=None) as batch_op:
        batch_op.drop_column("delivery_estimate")
        batch_op.drop_column("quote")
    with op.batch_alter_table("logo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_logo_organisation_id"))
    op.drop_table("logo")
