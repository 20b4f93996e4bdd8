"""Organisation API tokens, and what an ``Idempotency-Key`` already answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import Organisation, User
from app.models.base import utcnow


class ApiToken(db.Model):
    """A bearer token of one organisation, made by one of its admins and shown to them once.

    Only the SHA-256 of the secret is kept (the secret is 256 random bits, so a slow password
    hash would add cost to every request and no safety); ``prefix`` is the start of the token,
    shown on the settings page so a person can tell their tokens apart.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    """:class:`~configurator.vocabulary.ApiScope` values."""
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()


class IdempotentRequest(db.Model):
    """The first answer to a POST carrying an ``Idempotency-Key``, per token.

    The row is inserted before the work starts (the unique key makes a concurrent repeat lose the
    insert, so it never does the work twice); ``status`` stays None until the answer is stored.
    """

    __table_args__ = (UniqueConstraint("token_id", "key", name="uq_idempotent_request_token_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the method, path and body: the same key with another request is refused."""
    status: Mapped[int | None]
    body: Mapped[Any | None] = mapped_column(JSON)
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    """The answer's Location and ETag, replayed with it."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
