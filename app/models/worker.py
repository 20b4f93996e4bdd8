"""Heartbeats of Celery workers: proof that something is there to render and send."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class WorkerHeartbeat(db.Model):
    """One row per worker start, its ``last_seen`` renewed every few seconds while it runs.

    In the database, not in a process, so a web server on one machine sees workers on others.
    """

    __tablename__ = "worker_heartbeat"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    """Celery's node name, e.g. ``celery@host``."""
    hostname: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)
