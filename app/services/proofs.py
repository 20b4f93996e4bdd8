"""Proof rendering: state kept in the Proof row, work done by ``proofs/`` in a Celery task."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select, update

from app.extensions import db
from app.models import Proof, utcnow
from app.storage import storage
from configurator.catalog import load_catalog
from configurator.pricing import quote
from configurator.spec import BoxSpec
from configurator.states import PROOF

log = logging.getLogger(__name__)

TEMPLATE_VERSION = "1"
MAX_ATTEMPTS = 3


def enqueue_render(proof_id: int) -> None:
    """Wake a worker. Called after commit; if the broker is down the reconciler catches up."""
    from app.tasks import render_proof

    try:
        render_proof.delay(proof_id)
    except Exception:  # the row is safe in the database; a broker outage only delays the proof
        log.exception("could not enqueue proof %s; the reconciler will retry", proof_id)


def proof_reference(proof: Proof) -> str:
    return f"GOH-D{proof.design_id:05d}-v{proof.version}"


def file_key(proof: Proof, kind: str) -> str:
    return f"renders/{proof.render_key}.{kind}"


def _render_key(proof: Proof) -> str:
    """Digest of everything that shapes the files; equal keys share stored files."""
    shape = {
        "spec": proof.spec_hash,
        "version": proof.version,
        "reference": proof_reference(proof),
        "design": proof.design.name,
        "organisation": proof.design.organisation.name,
        "date": proof.created_at.date().isoformat(),
        "template": TEMPLATE_VERSION,
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


def _claim(proof_id: int) -> bool:
    """Move queued -> rendering in one conditional UPDATE, so duplicate deliveries render once."""
    result = db.session.execute(
        update(Proof)
        .where(Proof.id == proof_id, Proof.status == "queued")
        .values(status=PROOF.next("queued", "start"), attempts=Proof.attempts + 1, updated_at=utcnow())
    )
    db.session.commit()
    return result.rowcount == 1


def render(proof_id: int) -> None:
    """Render one proof version; a no-op when another delivery already took it."""
    from proofs.pdf import render_proof_files

    if not _claim(proof_id):
        return
    proof = db.session.get(Proof, proof_id)
    try:
        key = _render_key(proof)
        proof.render_key = key
        store = storage()
        if not (store.exists(file_key(proof, "pdf")) and store.exists(file_key(proof, "png"))):
            spec = BoxSpec.from_dict(proof.spec)
            catalog = load_catalog()
            with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
                review_url = url_for("designs.show", design_id=proof.design_id, _external=True)
            pdf, png = render_proof_files(
                spec,
                catalog,
                quote(spec, catalog),
                organisation=proof.design.organisation.name,
                design_name=proof.design.name,
                reference=proof_reference(proof),
                version=proof.version,
                created=proof.created_at.date(),
                review_url=review_url,
            )
            store.put(file_key(proof, "png"), png)
            store.put(file_key(proof, "pdf"), pdf)
        proof.status = PROOF.next(proof.status, "finish")
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.exception("proof %s failed", proof_id)
        _fail(proof_id, f"{type(exc).__name__}: {exc}"[:500])


def _fail(proof_id: int, reason: str) -> None:
    proof = db.session.get(Proof, proof_id)
    proof.status = PROOF.next(proof.status, "fail")
    proof.failure_reason = reason
    db.session.commit()


def requeue_stuck() -> list[int]:
    """Re-enqueue proofs stuck in queued/rendering (lost message, killed worker); give up after a few tries."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["PROOF_STUCK_SECONDS"])
    stuck = db.session.scalars(
        select(Proof).where(Proof.status.in_(("queued", "rendering")), Proof.updated_at < cutoff)
    ).all()
    requeued = []
    for proof in stuck:
        if proof.attempts >= MAX_ATTEMPTS:
            proof.status = PROOF.next(proof.status, "fail")
            proof.failure_reason = f"Rendering did not finish after {MAX_ATTEMPTS} attempts."
        else:
            proof.status = PROOF.next(proof.status, "requeue")
            proof.updated_at = utcnow()
            requeued.append(proof.id)
    db.session.commit()
    for proof_id in requeued:
        enqueue_render(proof_id)
    return requeued
