"""A design an organisation edits, and the numbered proofs rendered from it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import status_type, utcnow
from configurator.states import DESIGN, PROOF, DesignStatus, RenderStatus

if TYPE_CHECKING:
    from app.models.accounts import Organisation, User
    from app.models.delivery import DeliveryAddress
    from app.models.review import Review


class Design(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[DesignStatus] = mapped_column(status_type(DesignStatus), default=DESIGN.initial)
    revision: Mapped[int] = mapped_column(default=1)
    """Optimistic lock: a save from a stale browser tab carries an old revision and is refused."""
    po_number: Mapped[str | None] = mapped_column(String(40))
    """The buyer's purchase-order number, entered when submitting (see ``configurator.billing``)."""
    cost_centre: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    archived_at: Mapped[datetime | None]
    """Set when the organisation archives the design: hidden from its list unless asked for."""

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()
    proofs: Mapped[list[Proof]] = relationship(back_populates="design", order_by="Proof.version")
    delivery_address: Mapped[DeliveryAddress | None] = relationship(viewonly=True)
    """Read once per request: the wizard's price, estimate and form all ask (written through
    ``app.services.delivery``, which refreshes this after a change)."""

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy's documented form

    @property
    def latest_proof(self) -> Proof | None:
        return self.proofs[-1] if self.proofs else None


class Proof(db.Model):
    __table_args__ = (UniqueConstraint("design_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("design.id"), index=True)
    version: Mapped[int]
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    spec_hash: Mapped[str] = mapped_column(String(64))
    quote: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The quote at submission (with any rush fee), frozen so proof, approval and order agree."""
    delivery_estimate: Mapped[date | None]
    status: Mapped[RenderStatus] = mapped_column(status_type(RenderStatus), default=PROOF.initial, index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    render_key: Mapped[str | None] = mapped_column(String(64))
    """Content hash of everything that shaped the files; the files are stored under it."""
    attempts: Mapped[int] = mapped_column(default=0)
    """Renders started (each claim), whatever became of them."""
    lost_attempts: Mapped[int] = mapped_column(default=0)
    """Renders whose lease lapsed (a dead or cut-off worker): retried, never held against the proof."""
    lease_token: Mapped[str | None] = mapped_column(String(32))
    """Who holds the render now; every write of a render is conditional on it."""
    lease_expires_at: Mapped[datetime | None]
    """The holder renews this while it renders; once past, the reconciler queues the proof again."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    design: Mapped[Design] = relationship(back_populates="proofs")
    reviews: Mapped[list[Review]] = relationship(back_populates="proof", order_by="Review.id")
