"""What every model module shares: the clock rows are stamped with, and how enums are stored."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def values_of(enum_class: type[enum.Enum]) -> list[str]:
    """Store an enum by its values (``"in_production"``), the words the rest of the system uses."""
    return [member.value for member in enum_class]


def status_type(statuses: type[enum.StrEnum], length: int = 20) -> db.Enum:
    """A status column: a plain string with a CHECK constraint naming every status of its machine.

    Not a native PostgreSQL enum, so adding a status is a migration of one constraint on both
    databases; a status outside the enum is refused in Python before it reaches the database.
    """
    return db.Enum(
        statuses,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=length,
        values_callable=values_of,
        name="status",  # the constraint is ck_<table>_status
    )
