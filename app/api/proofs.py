"""Proofs: their status, and their PDF and PNG from storage, behind the same token."""

from __future__ import annotations

from typing import Any

from flask import Response

from app.api import present
from app.api.auth import caller, needs
from app.api.blueprint import api_blueprint
from app.api.problems import problem
from app.api.schemas import ProofSchema
from app.services import reviews
from app.services.proofs import file_key, proof_reference
from app.storage import storage
from app.views import pdf_response
from configurator.states import RenderStatus
from configurator.vocabulary import ApiScope

bp = api_blueprint("api_proofs", "proofs", "Proofs of designs")

NOT_READY = "This proof is not ready yet; its status says when it is."


def _binary(content_type: str, what: str) -> dict[str, Any]:
    return {
        200: {
            "description": what,
            "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    }


@bp.get("/<int:proof_id>")
@needs(ApiScope.READ)
@bp.response(200, ProofSchema)
def show(proof_id: int) -> dict[str, Any]:
    """A proof's status; ``pdf`` and ``png`` are set once it is ready."""
    return present.proof(reviews.get_proof(caller().user, proof_id))


def _file(proof_id: int, kind: str) -> Response:
    found = reviews.get_proof(caller().user, proof_id)
    if found.status != RenderStatus.READY:
        return problem(404, NOT_READY)
    data = storage().get(file_key(found, kind))
    if kind == "pdf":
        return pdf_response(data, f"{proof_reference(found)}.pdf", cache="private, max-age=3600")
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/<int:proof_id>/proof.pdf")
@needs(ApiScope.READ)
@bp.doc(responses=_binary("application/pdf", "The proof, as a PDF"))
def pdf(proof_id: int) -> Response:
    """The proof's PDF (404 until it is ready)."""
    return _file(proof_id, "pdf")


@bp.get("/<int:proof_id>/mockup.png")
@needs(ApiScope.READ)
@bp.doc(responses=_binary("image/png", "A picture of the box"))
def png(proof_id: int) -> Response:
    """A PNG mockup of the box (404 until it is ready)."""
    return _file(proof_id, "png")
