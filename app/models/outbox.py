"""The mail outbox: every email is a row written in the transaction of the event it tells about."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import status_type, utcnow
from configurator.states import MESSAGE, MessageStatus

if TYPE_CHECKING:
    from app.models.accounts import User


class OutboxMessage(db.Model):
    """An email waiting to be sent. Written in the transaction of the event it tells about."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(200), index=True)
    """Event, subject ids and recipient: a repeated event (duplicate task delivery) queues nothing new."""
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(250))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(250))
    """Fixed when queued, so a resend after a crash carries the same Message-ID."""
    status: Mapped[MessageStatus] = mapped_column(
        status_type(MessageStatus), default=MESSAGE.initial, index=True
    )
    """pending -> sending -> sent; back to pending after a failed attempt; failed after too many."""
    attempts: Mapped[int] = mapped_column(default=0)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    """The sender holding a "sending" row; its outcome is written only while it still holds it."""
    lease_expires_at: Mapped[datetime | None]
    """A "sending" row past this (its sender crashed) is pending again: sent once more, same Message-ID."""
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NotificationPreference(db.Model):
    """A notification a person turned off (a row per kind); without a row they receive it.

    Kinds their role must get (:attr:`NotificationKind.required_for`) are sent whatever is here.
    """

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    """A :class:`~configurator.vocabulary.NotificationKind`."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class DigestMark(db.Model):
    """When a digest (staff's proofs waiting) last went out: the sender claims the next one by a
    conditional UPDATE on the time it read, so two workers never send the same digest."""

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    sent_at: Mapped[datetime]
