"""the workshop board: each maker's language and picture, and staff PINs that unlock the kiosk

Revision ID: 0019
Revises: 0018

Every maker gets a picture nobody else has (the order of ``configurator.avatars.every_avatar``
as it stands in this revision), so no two makers look alike on the tablet from the start.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

COLOURS = ("teal", "coral", "gold", "plum", "sky", "leaf", "rose", "slate")
SYMBOLS = ("star", "sun", "moon", "heart", "flower", "leaf", "note", "snow", "anchor", "plane", "umbrella", "diamond")

user = sa.table(
    "user",
    sa.column("id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("avatar_colour", sa.String),
    sa.column("avatar_symbol", sa.String),
)


def _pictures():
    for shift in range(len(SYMBOLS)):
        for n, colour in enumerate(COLOURS):
            yield colour, SYMBOLS[(n + shift) % len(SYMBOLS)]


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("avatar_colour", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("avatar_symbol", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("pin_hash", sa.String(length=200), nullable=True))
        batch.create_unique_constraint("uq_user_avatar", ["avatar_colour", "avatar_symbol"])
    connection = op.get_bind()
    makers = connection.execute(sa.select(user.c.id).where(user.c.role == "MAKER").order_by(user.c.id)).scalars()
    for maker_id, (colour, symbol) in zip(makers, _pictures(), strict=False):
        connection.execute(
            user.update().where(user.c.id == maker_id).values(avatar_colour=colour, avatar_symbol=symbol)
        )


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_constraint("uq_user_avatar", type_="unique")
        batch.drop_column("pin_hash")
        batch.drop_column("avatar_symbol")
        batch.drop_column("avatar_colour")
        batch.drop_column("language")
