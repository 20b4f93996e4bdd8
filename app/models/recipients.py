"""A design's recipients, and an import waiting for its mapping or for fixes.

Personal data (names, e-mails, phones, addresses): read by the organisation's users and staff
only, never logged or put into audit events (those carry ids). Every repr shows ids only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import status_type, utcnow
from configurator.addresses import LIMITS
from configurator.recipients import CARD_NAME_MAX, EMAIL_MAX, FIELDS
from configurator.recipients import Recipient as RecipientValue
from configurator.states import IMPORT, ImportStatus


class Recipient(db.Model):
    """One person on a draft design's list, checked before it is saved (problem rows wait in an import)."""

    __tablename__ = "recipient"
    __table_args__ = (Index("ix_recipient_design_id_position", "design_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("design.id"))
    position: Mapped[int]
    """The list's order (cards and boxes follow it); gaps are fine, ties fall back to the id."""
    name: Mapped[str] = mapped_column(String(LIMITS["name"]))
    company: Mapped[str] = mapped_column(String(LIMITS["company"]), default="")
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="")
    phone: Mapped[str] = mapped_column(String(LIMITS["phone"]), default="")
    street: Mapped[str] = mapped_column(String(LIMITS["street"]), default="")
    city: Mapped[str] = mapped_column(String(LIMITS["city"]), default="")
    city_area: Mapped[str] = mapped_column(String(LIMITS["city_area"]), default="")
    region: Mapped[str] = mapped_column(String(LIMITS["region"]), default="")
    postal_code: Mapped[str] = mapped_column(String(LIMITS["postal_code"]), default="")
    country: Mapped[str] = mapped_column(String(2))
    card_name: Mapped[str] = mapped_column(String(CARD_NAME_MAX), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    """Optimistic lock: an edit from a page showing an older version is refused, never lost."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's documented form

    def value(self) -> RecipientValue:
        """The plain value the pure rules, exports and the card book take."""
        return RecipientValue(**{name: getattr(self, name) or "" for name in FIELDS})

    def set_value(self, value: RecipientValue) -> None:
        for name, text in value.as_dict().items():
            setattr(self, name, text)

    def __repr__(self) -> str:  # ids only: personal data never reaches a log through a repr
        return f"<Recipient {self.id} design={self.design_id}>"


class RecipientImport(db.Model):
    """An upload in progress: the file's rows as entered, the buyer's mapping, then a worker's check.

    Kept until every row is saved or dropped, so a bad upload loses nothing and rows with
    problems wait, fixable inline, while the good ones are already on the list. A worker checks
    the rows under a lease, a chunk per transaction: a row not checked yet has no ``values``.
    """

    __tablename__ = "recipient_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("design.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    headers: Mapped[list[str]] = mapped_column(JSON)
    mapping: Mapped[dict[str, str] | None] = mapped_column(JSON)
    """Column index (as text, JSON's keys) → field; None until the buyer confirms it."""
    status: Mapped[ImportStatus] = mapped_column(status_type(ImportStatus), default=IMPORT.initial)
    rows_checked: Mapped[int] = mapped_column(default=0)
    """Rows the worker has checked so far (each chunk adds its rows as it commits)."""
    rows_saved: Mapped[int] = mapped_column(default=0)
    """Of those, the rows that went onto the list."""
    lease_token: Mapped[str | None] = mapped_column(String(32))
    """Who checks the rows now; every chunk's write is conditional on it."""
    lease_expires_at: Mapped[datetime | None]
    """The checker renews this; once past, the reconciler queues the import again."""
    lost_attempts: Mapped[int] = mapped_column(default=0)
    """Checks whose lease lapsed (a dead worker): resumed, not failed, unless it happens again and again."""
    failure_reason: Mapped[str | None] = mapped_column(Text)
    """The sentence the buyer reads about a failed check."""
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's documented form

    def __repr__(self) -> str:
        return f"<RecipientImport {self.id} design={self.design_id}>"


class RecipientImportRow(db.Model):
    """One row of an upload not on the list yet: its cells as entered, then the buyer's fixes."""

    __tablename__ = "recipient_import_row"
    __table_args__ = (Index("ix_recipient_import_row_import_id_line", "import_id", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("recipient_import.id", ondelete="CASCADE"))
    line: Mapped[int]
    """Its row number in the file, as the buyer's spreadsheet shows it."""
    cells: Mapped[list[str]] = mapped_column(JSON)
    values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The recipient's fields once mapped (and as fixed inline); None before the mapping."""
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's documented form

    def __repr__(self) -> str:
        return f"<RecipientImportRow {self.id} import={self.import_id}>"
