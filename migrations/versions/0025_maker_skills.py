"""maker skills: the kinds of work each maker does, their usual hours per weekday, and their days off

Revision ID: 0025
Revises: 0024

A maker without a schedule row does every skill with an even share of the workshop's hours,
so existing makers need no rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "maker_schedule",
        sa.Column("maker_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("weekday_minutes", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["maker_id"], ["user.id"], name=op.f("fk_maker_schedule_maker_id_user")),
        sa.PrimaryKeyConstraint("maker_id", name=op.f("pk_maker_schedule")),
    )
    op.create_table(
        "maker_day_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("maker_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=120), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_maker_day_off_days_in_order")),
        sa.ForeignKeyConstraint(["maker_id"], ["user.id"], name=op.f("fk_maker_day_off_maker_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maker_day_off")),
    )
    with op.batch_alter_table("maker_day_off") as batch:
        batch.create_index(batch.f("ix_maker_day_off_maker_id"), ["maker_id"], unique=False)


def downgrade():
    with op.batch_alter_table("maker_day_off") as batch:
        batch.drop_index(batch.f("ix_maker_day_off_maker_id"))
    op.drop_table("maker_day_off")
    op.drop_table("maker_schedule")
