"""Probes of what the web process depends on (database, broker, storage), for /healthz and the outage page."""

from __future__ import annotations

import contextlib

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.storage import storage


def database() -> None:
    """Raise unless the database answers."""
    db.session.execute(text("SELECT 1"))


def broker() -> None:
    """Raise unless the broker takes a connection (one retry, two seconds)."""
    with current_app.extensions["celery"].connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def files() -> None:
    """Raise unless file storage (the folder, or the bucket) answers."""
    storage().probe()


def abandon_transaction() -> None:
    """Roll back the transaction a lost connection broke; what was committed before stays.

    A dead connection may refuse even the rollback: the next request gets a fresh one anyway.
    """
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
