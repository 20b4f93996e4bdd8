"""Which notifications each person receives: all their role is offered, less those they turned off.

The kinds and who must get them are :class:`~configurator.vocabulary.NotificationKind`; a kind
required for a role is sent whatever the person chose, and the settings page shows it fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select

from app.extensions import db
from app.models import NotificationPreference, User
from app.services.transaction import commits
from configurator.vocabulary import NotificationKind


@dataclass(frozen=True)
class Choice:
    kind: NotificationKind
    receive: bool
    required: bool


_TURNED_OFF = select(NotificationPreference.user_id).where(
    NotificationPreference.kind == bindparam("kind"),
    NotificationPreference.user_id.in_(bindparam("users", expanding=True)),
)


def choices(user: User) -> list[Choice]:
    """The kinds ``user``'s role is offered, each with whether they receive it."""
    off = set(
        db.session.scalars(
            select(NotificationPreference.kind).where(NotificationPreference.user_id == user.id)
        )
    )
    return [
        Choice(kind, kind.required(user.role) or kind not in off, kind.required(user.role))
        for kind in NotificationKind
        if kind.offered_to(user.role)
    ]


@commits
def save(user: User, wanted: Iterable[str]) -> None:
    """Keep ``wanted`` on and turn the rest of the offered, optional kinds off."""
    keep = set(wanted)
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    for kind in NotificationKind:
        if kind.offered_to(user.role) and not kind.required(user.role) and kind not in keep:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind.value))


def receivers(kind: NotificationKind, users: list[User]) -> list[User]:
    """Those of ``users`` who receive ``kind`` (one query, whatever their number)."""
    optional = [u for u in users if not kind.required(u.role)]
    if not optional:
        return users
    off = set(db.session.scalars(_TURNED_OFF, {"kind": kind.value, "users": [u.id for u in optional]}))
    return [u for u in users if u.id not in off]
