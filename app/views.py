"""Small helpers shared by views."""

from __future__ import annotations

from typing import Any

from flask import url_for

from app.models import Proof

STATUS_TEXT = {
    "queued": "Waiting for a renderer…",
    "rendering": "Drawing your proof…",
    "ready": "Ready",
    "failed": "Something went wrong while drawing this proof. Our team has been told.",
}


def proof_status(proof: Proof) -> dict[str, Any]:
    """The proof's state as plain data, for the page and for the polling endpoint."""
    ready = proof.status == "ready"
    return {
        "id": proof.id,
        "version": proof.version,
        "status": proof.status,
        "text": STATUS_TEXT[proof.status],
        "png": url_for("proofs.mockup", proof_id=proof.id) if ready else None,
        "pdf": url_for("proofs.pdf", proof_id=proof.id) if ready else None,
    }
