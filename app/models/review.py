"""Review decisions on a proof, the comment thread, share links and the guests who decided through them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.designs import Design, Proof


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


class Comment(db.Model):
    """A note in a design's thread. Plain text, always: templates escape it, nothing renders it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("design.id"), index=True)
    proof_version: Mapped[int | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    """None for a guest who commented through a share link."""
    share_link_id: Mapped[int | None] = mapped_column(ForeignKey("share_link.id"))
    guest_name: Mapped[str | None] = mapped_column(String(120))
    guest_email: Mapped[str | None] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    design: Mapped[Design] = relationship()
    author: Mapped[User | None] = relationship()


class ShareLink(db.Model):
    """A read-only review link for one proof version. Only a hash of the token is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proof_id: Mapped[int] = mapped_column(ForeignKey("proof.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    recipient: Mapped[str] = mapped_column(String(200), default="")
    """Who the buyer meant it for, as they wrote it; a reminder on the list of links, nothing more."""
    can_approve: Mapped[bool] = mapped_column(default=False)
    """Whether a guest's approval counts as the buyer side's (never above the approval threshold)."""
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    last_used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proof: Mapped[Proof] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])


class GuestReview(db.Model):
    """Who really decided, when a decision came through a share link.

    The ``Review`` row is attributed to the buyer who shared the link (they delegated it);
    this row names the guest, so the record shows both.
    """

    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), primary_key=True)
    share_link_id: Mapped[int] = mapped_column(ForeignKey("share_link.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))

    review: Mapped[Review] = relationship(backref=db.backref("guest", uselist=False))
    share_link: Mapped[ShareLink] = relationship()
