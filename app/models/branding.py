"""Logos uploaded by an organisation; designs refer to them by the hash of the normalised PNG."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class Logo(db.Model):
    __table_args__ = (UniqueConstraint("organisation_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    original_format: Mapped[str] = mapped_column(String(10))
    width_px: Mapped[int]
    height_px: Mapped[int]
    colours: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def png_key(self) -> str:
        return f"logos/{self.sha256}.png"

    @property
    def original_key(self) -> str:
        """The upload as it came; kept for staff, never served inline."""
        return f"logos/{self.sha256}.original"
