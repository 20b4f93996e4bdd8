"""teams: invitations, password resets, archived designs, and an admin in every organisation

Revision ID: 0014
Revises: 0012

Each organisation that has members gets one organisation admin, so somebody can invite and
manage colleagues from the start: its first approver (who already set its approval rule), or
its first active buyer when it has no approver. Going down makes organisation admins approvers
again, the role closest to theirs that the earlier revisions know.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ROLES = ("BUYER", "APPROVER", "ORGANISATION_ADMIN", "STAFF", "MAKER", "ADMIN", "WORKSHOP")
"""Role names as stored in this revision (written out: a migration describes its own revision)."""

user = sa.table(
    "user",
    sa.column("id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("organisation_id", sa.Integer),
    sa.column("active", sa.Boolean),
)


def upgrade():
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.Enum(*ROLES, name="role", native_enum=False, length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_invitation_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["invited_by_id"], ["user.id"], name=op.f("fk_invitation_invited_by_id_user")),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["user.id"], name=op.f("fk_invitation_accepted_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_organisation_id"), ["organisation_id"], unique=False)
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_password_reset_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_token_hash")),
    )
    with op.batch_alter_table("password_reset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_reset_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("design", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
    _one_admin_per_organisation()


def _one_admin_per_organisation():
    connection = op.get_bind()
    organisations = connection.execute(
        sa.select(user.c.organisation_id).where(user.c.organisation_id.is_not(None)).distinct()
    ).scalars()
    for organisation_id in list(organisations):
        members = sa.select(user.c.id).where(user.c.organisation_id == organisation_id, user.c.active)
        if connection.execute(members.where(user.c.role == "ORGANISATION_ADMIN").limit(1)).first():
            continue
        first = connection.execute(
            members.where(user.c.role == "APPROVER").order_by(user.c.id).limit(1)
        ).scalar() or connection.execute(members.where(user.c.role == "BUYER").order_by(user.c.id).limit(1)).scalar()
        if first is not None:
            connection.execute(sa.update(user).where(user.c.id == first).values(role="ORGANISATION_ADMIN"))


def downgrade():
    op.execute(sa.update(user).where(user.c.role == "ORGANISATION_ADMIN").values(role="APPROVER"))
    with op.batch_alter_table("design", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("password_reset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_reset_user_id"))
    op.drop_table("password_reset")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_organisation_id"))
    op.drop_table("invitation")
