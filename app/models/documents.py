"""Documents the worker makes from plain data and storage serves (approval records, slips, diffs)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import status_type, utcnow, values_of
from configurator.states import DOCUMENT, DocumentStatus


class DocumentKind(enum.StrEnum):
    """Every kind of document we make; a new one adds a member here and a recipe in the service."""

    APPROVAL_RECORD = "approval_record"
    PACKING_SLIP = "packing_slip"
    VISUAL_DIFF = "visual_diff"
    QUOTE = "quote"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class Document(db.Model):
    """One rendering of one kind of document from one set of inputs.

    ``content_key`` is a hash of the inputs and of the renderer's templates, unique per kind:
    asking again for the same thing finds this row, and a change of inputs makes a new one.
    """

    __table_args__ = (UniqueConstraint("kind", "content_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(
        db.Enum(DocumentKind, native_enum=False, length=30, values_callable=values_of)
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    """Whose document it is: only this organisation and staff may see it."""
    subject: Mapped[str] = mapped_column(String(60))
    """What it is about, as in the audit trail: ``order:12``, ``shipment:3``, ``proof:4-5``."""
    content_key: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The plain data the renderer gets, frozen when requested, and the storage keys of its assets."""
    status: Mapped[DocumentStatus] = mapped_column(
        status_type(DocumentStatus), default=DOCUMENT.initial, index=True
    )
    storage_key: Mapped[str | None] = mapped_column(String(200))
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Facts about the output that pages show (the diff's changed areas)."""
    attempts: Mapped[int] = mapped_column(default=0)
    """Renders that ran to an outcome or whose worker died (an infrastructure fault gives its back)."""
    lost_attempts: Mapped[int] = mapped_column(default=0)
    """Renders whose lease lapsed (a dead worker): retried, never counted as failures."""
    lease_token: Mapped[str | None] = mapped_column(String(32))
    """Who holds the render now; every write of a render is conditional on it."""
    lease_expires_at: Mapped[datetime | None]
    """The holder renews this while it renders; once past, the reconciler queues the document again."""
    failure_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
