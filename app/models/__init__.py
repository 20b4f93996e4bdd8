"""Database models. The database is the source of truth; Celery only wakes workers up."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Role(enum.StrEnum):
    BUYER = "buyer"
    APPROVER = "approver"
    STAFF = "staff"
    MAKER = "maker"
    ADMIN = "admin"
    WORKSHOP = "workshop"
    """The shared workshop tablet: makers pick their pseudonym on it and act as themselves."""


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approval_threshold: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    """Orders above this total need the buyer-side approval of an approver; None: no such rule."""
    page_size: Mapped[str] = mapped_column(String(10), default="Letter", server_default="Letter")
    """Paper size of this organisation's PDF proofs: "Letter" or "A4"."""

    users: Mapped[list[User]] = relationship(back_populates="organisation")


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    """None for makers: a maker is a pseudonym only and works through the workshop login."""
    display_name: Mapped[str] = mapped_column(String(120))
    """For makers, the pseudonym they chose; never shown to buyers."""
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(db.Enum(Role, native_enum=False, length=20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    """Part of every session's user id: logout and a password change bump it, so every earlier
    session (a copied cookie, the shared tablet's last login) stops working on the server."""

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    def get_id(self) -> str:
        """Flask-Login's id in the session cookie: the user id and the current session generation."""
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot log in
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_buyer_side(self) -> bool:
        return self.role in (Role.BUYER, Role.APPROVER)


class Design(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    revision: Mapped[int] = mapped_column(default=1)
    """Optimistic lock: a save from a stale browser tab carries an old revision and is refused."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()
    proofs: Mapped[list[Proof]] = relationship(back_populates="design", order_by="Proof.version")

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
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
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


class Review(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    proof_id: Mapped[int] = mapped_column(ForeignKey("proof.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    side: Mapped[str] = mapped_column(String(10))  # "buyer" or "staff"
    decision: Mapped[str] = mapped_column(String(20))  # "approve" or "request_changes"
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proof: Mapped[Proof] = relationship(back_populates="reviews")
    user: Mapped[User] = relationship()


class Order(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("design.id"), unique=True)
    proof_id: Mapped[int] = mapped_column(ForeignKey("proof.id"))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Frozen snapshot of the approved design: later edits never change an order."""
    quote: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="confirmed", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    design: Mapped[Design] = relationship()
    proof: Mapped[Proof] = relationship()
    jobs: Mapped[list[ProductionJob]] = relationship(back_populates="order", order_by="ProductionJob.id")

    @property
    def reference(self) -> str:
        return f"GOH-{self.id:06d}"


class ProductionJob(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # make, cards, assemble
    title: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[str | None] = mapped_column(String(60))
    colour: Mapped[str | None] = mapped_column(String(40))
    quantity: Mapped[int]
    quantity_done: Mapped[int] = mapped_column(default=0)
    maker_minutes: Mapped[int]
    priority: Mapped[int] = mapped_column(default=0, index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    maker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    """Changes on every claim, so a stale holder cannot move a job it no longer holds."""
    problem: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="jobs")
    maker: Mapped[User | None] = relationship()


class AuditEvent(db.Model):
    """Append-only record of every decision and transition."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    subject: Mapped[str] = mapped_column(String(40))  # e.g. "proof:12"
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str | None] = mapped_column(String(64))


# Models of later capabilities live in their own modules and register here.
# (Imported at the end so that they can import the core models above.)
from app.models.branding import Logo  # noqa: E402, F401
from app.models.documents import Document, DocumentKind  # noqa: E402, F401
from app.models.production import CapacityDay, CapacityException, Shipment  # noqa: E402, F401
from app.models.review import Comment  # noqa: E402, F401
from app.models.worker import WorkerHeartbeat  # noqa: E402, F401
