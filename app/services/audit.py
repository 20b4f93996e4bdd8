"""The append-only audit trail of decisions and transitions."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from app.extensions import db
from app.models import AuditEvent, User


def record(actor: User | None, action: str, subject: str, organisation_id: int | None, **detail: Any) -> None:
    """Add an event to the current transaction; it commits (or not) with the change it describes."""
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor_role=str(actor.role) if actor else "system",
            organisation_id=organisation_id,
            subject=subject,
            action=action,
            detail=detail,
            address=request.remote_addr if has_request_context() else None,
        )
    )
