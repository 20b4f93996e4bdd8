"""Designs and proofs as the API shows them: plain data for the schemas to write out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for

from app.models import Design, Proof
from app.views import proof_status
from configurator.spec import BoxSpec
from configurator.states import RenderStatus


def etag(design: Design) -> str:
    """The design's revision, quoted: the optimistic lock of the web wizard, as an HTTP ETag."""
    return f'"{design.revision}"'


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def proof(found: Proof) -> dict[str, Any]:
    """The web app's proof status, with its files served through the API (the token opens them)."""
    ready = found.status == RenderStatus.READY
    return {
        **proof_status(found),
        "status": found.status.value,
        "pdf": url_for("api_proofs.pdf", proof_id=found.id, _external=True) if ready else None,
        "png": url_for("api_proofs.png", proof_id=found.id, _external=True) if ready else None,
    }


def design(found: Design) -> dict[str, Any]:
    latest = found.latest_proof
    return {
        "id": found.id,
        "name": found.name,
        "status": found.status.value,
        "revision": found.revision,
        "spec": BoxSpec.from_dict(found.spec),
        "created_at": _utc(found.created_at),
        "updated_at": _utc(found.updated_at),
        "latest_proof": proof(latest) if latest is not None else None,
    }
