"""Small helpers shared by views."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Flask, Response, url_for

from app.models import Proof
from app.services import workers

STATUS_TEXT = {
    "queued": "Waiting for a renderer…",
    "rendering": "Drawing your proof…",
    "ready": "Ready",
    "failed": "Something went wrong while drawing this proof. Our team has been told.",
}


def proof_status(proof: Proof) -> dict[str, Any]:
    """The proof's state as plain data, for the page and for the polling endpoint."""
    ready = proof.status == "ready"
    late = workers.proof_is_late(proof)
    return {
        "id": proof.id,
        "version": proof.version,
        "status": proof.status,
        "late": late,
        "text": workers.LATE_TEXT.capitalize() + "." if late else STATUS_TEXT[proof.status],
        "png": url_for("proofs.mockup", proof_id=proof.id) if ready else None,
        "pdf": url_for("proofs.pdf", proof_id=proof.id) if ready else None,
    }


ACTION_LABELS = {
    "start_production": "Start production",
    "send_to_qa": "Send to quality check",
    "fail_qa": "Back to production",
    "pack": "Mark packed",
    "ship": "Mark shipped",
    "deliver": "Mark delivered",
    "cancel": "Cancel order",
}


def money(value: Decimal | str | int) -> str:
    """US dollars with thousands separators: 1200 -> $1,200.00."""
    return f"${Decimal(str(value)):,.2f}"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals["worker_state"] = workers.state
    app.jinja_env.globals["action_label"] = lambda action: ACTION_LABELS.get(action, action.replace("_", " "))


def pdf_response(
    data: bytes, filename: str, *, download: bool = False, cache: str = "private, no-store"
) -> Response:
    """A PDF we made, shown in the browser (or downloaded) under a readable file name."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'{"attachment" if download else "inline"}; filename="{filename}"'
    )
    response.headers["Cache-Control"] = cache
    return response
