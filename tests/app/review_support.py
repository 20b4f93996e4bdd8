"""Helpers for the review tests: designs with ready proof versions, without the wizard pages."""

from __future__ import annotations

from app.extensions import db
from app.models import Design, Proof
from app.services import proofs as proof_service
from app.storage import storage
from configurator.catalog import load_catalog
from configurator.spec import BoxSpec
from proofs.mockup import render_mockup


def ready_proof(design: Design, *, real: bool = False, **changes: object) -> Proof:
    """Submit the design (with ``changes`` to its spec) and give it a ready proof.

    ``real=True`` renders through the service (PDF and all, and its "proof ready" email);
    otherwise a real mockup and a stand-in PDF are stored, which is much faster.
    """
    spec = BoxSpec.from_dict(design.spec).replace(**changes)
    latest = design.latest_proof
    design.spec = spec.to_dict()
    design.status = "submitted"
    proof = Proof(
        design=design,
        version=latest.version + 1 if latest else 1,
        spec=spec.to_dict(),
        spec_hash=spec.content_hash(),
        status="queued",
    )
    db.session.add(proof)
    db.session.commit()
    if real:
        proof_service.render(proof.id)
        db.session.expire_all()
        proof = db.session.get(Proof, proof.id)
        assert proof.status == "ready", proof.failure_reason
        return proof
    key = f"{proof.design_id}x{proof.version}x{spec.content_hash()[:16]}"
    proof.render_key = key
    store = storage()
    store.put(proof_service.file_key(proof, "png"), render_mockup(spec, load_catalog(), size=(800, 600)))
    store.put(proof_service.file_key(proof, "pdf"), b"%PDF-1.4\n% stand-in\n")
    proof.status = "ready"
    db.session.commit()
    return proof


def reopen(design: Design) -> None:
    """As if changes were requested by someone outside the test's concern."""
    design.status = "draft"
    db.session.commit()
