"""Webhook endpoints of an organisation, and each event's delivery to each of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import Organisation, User
from app.models.base import status_type, utcnow
from configurator.states import DELIVERY, DeliveryStatus


class WebhookEndpoint(db.Model):
    """A URL of an organisation's system that receives the events it chose, signed with ``secret``.

    The secret is kept as it is (``whsec_`` and base64, as Standard Webhooks write it): every
    delivery is signed with it, so a hash would not do. The admin sees it once, when it is made.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)
    """:class:`~configurator.vocabulary.WebhookEvent` values."""
    secret: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()


class WebhookDelivery(db.Model):
    """One event on its way to one endpoint: written in the transaction of the change it tells about.

    ``body`` is the exact JSON that is signed and sent, so every attempt (and a resend) carries
    the same bytes under the same ``message_id`` (the ``webhook-id`` receivers deduplicate by).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(40))
    """A :class:`~configurator.vocabulary.WebhookEvent` value."""
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    body: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[DeliveryStatus] = mapped_column(
        status_type(DeliveryStatus), default=DELIVERY.initial, index=True
    )
    """pending -> sending -> delivered; back to pending after a failed attempt; failed after the last."""
    attempts: Mapped[int] = mapped_column(default=0)
    """Attempts that got an answer or none (the last one included); a resend starts again from 0."""
    lost_attempts: Mapped[int] = mapped_column(default=0)
    """Sends lost to a dead worker: not failures, they do not use up the retry schedule."""
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    response_status: Mapped[int | None]
    response_excerpt: Mapped[str | None] = mapped_column(String(300))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    """The sentence the admin reads about the last failed attempt."""
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    endpoint: Mapped[WebhookEndpoint] = relationship()
