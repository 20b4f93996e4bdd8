"""Proof rendering: state kept in the Proof row, work done by ``proofs/`` in a Celery task."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, url_for
from sqlalchemy import select, update

from app.extensions import db
from app.models import Proof, utcnow
from app.services import branding, notifications
from app.storage import storage
from configurator.catalog import load_catalog
from configurator.pricing import Quote, quote
from configurator.spec import BoxSpec
from configurator.states import PROOF

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RENDER_SECONDS = 30.0
"""Wall-clock limit for one render; past it the render is stopped and the proof fails with a reason."""
RENDER_MEMORY_MB = 1024
"""Memory one render may allocate on top of the warm worker."""


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


@dataclass(frozen=True)
class RenderJob:
    """Everything one render needs, as plain data: the renderer gets only this."""

    spec: BoxSpec
    organisation: str
    design_name: str
    reference: str
    version: int
    created: date
    review_url: str
    page_size: str
    logo_png: bytes | None
    logo_sha: str | None
    preflight: tuple[str, ...]
    delivery_estimate: date | None
    quote: Quote

    def key(self) -> str:
        """Digest of everything that shapes the files; equal keys share stored files."""
        from proofs.fonts import font_set_id
        from proofs.pdf import TEMPLATE_VERSION

        shape = {
            "spec": self.spec.content_hash(),
            "organisation": self.organisation,
            "design": self.design_name,
            "reference": self.reference,
            "version": self.version,
            "date": self.created.isoformat(),
            "review_url": self.review_url,
            "page_size": self.page_size,
            "logo": self.logo_sha,
            "preflight": list(self.preflight),
            "delivery_estimate": self.delivery_estimate.isoformat() if self.delivery_estimate else None,
            "quote": dataclasses.asdict(self.quote),
            "template": TEMPLATE_VERSION,
            "fonts": font_set_id(),
        }
        return hashlib.sha256(json.dumps(shape, sort_keys=True, default=str).encode()).hexdigest()


def render_job_files(job: RenderJob) -> tuple[bytes, bytes]:
    """Pure: render the job's PDF and PNG (runs under the render limits)."""
    from proofs.pdf import render_proof_files

    catalog = load_catalog()
    return render_proof_files(
        job.spec,
        catalog,
        job.quote,
        organisation=job.organisation,
        design_name=job.design_name,
        reference=job.reference,
        version=job.version,
        created=job.created,
        review_url=job.review_url,
        page_size=job.page_size,
        logo_png=job.logo_png,
        preflight=job.preflight,
        delivery_estimate=job.delivery_estimate,
    )


def _frozen_quote(proof: Proof) -> Quote:
    """The quote frozen at submission (rush included), so proof, approval and order agree."""
    if proof.quote:
        return Quote.from_dict(proof.quote)
    return quote(BoxSpec.from_dict(proof.spec), load_catalog())  # rows made before quotes were frozen


def build_job(proof: Proof, *, with_logo: bool = True) -> RenderJob:
    """Plain inputs of a render; ``with_logo=False`` skips reading the logo (enough for the key)."""
    spec = BoxSpec.from_dict(proof.spec)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        review_url = url_for("review.show", design_id=proof.design_id, _external=True)
    return RenderJob(
        spec=spec,
        organisation=proof.design.organisation.name,
        design_name=proof.design.name,
        reference=proof_reference(proof),
        version=proof.version,
        created=proof.created_at.date(),
        review_url=review_url,
        page_size=proof.design.organisation.page_size,
        logo_png=branding.logo_png(spec.logo_id) if with_logo else None,
        logo_sha=spec.logo_id,
        preflight=tuple(branding.preflight(spec.to_dict())),
        delivery_estimate=proof.delivery_estimate,
        quote=_frozen_quote(proof),
    )


def _limits() -> tuple[float, int]:
    config = current_app.config
    seconds = float(
        config.get("PROOF_RENDER_SECONDS") or os.environ.get("PROOF_RENDER_SECONDS") or RENDER_SECONDS
    )
    memory = int(
        config.get("PROOF_RENDER_MEMORY_MB") or os.environ.get("PROOF_RENDER_MEMORY_MB") or RENDER_MEMORY_MB
    )
    return seconds, memory


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
    """Render one proof version; a no-op when another delivery already took it.

    The render runs under a time and memory limit (:mod:`proofs.sandbox`), so a hostile
    design fails its own proof, with a reason, and this worker carries on.
    """
    from proofs.sandbox import RenderFailed, run_limited

    if not _claim(proof_id):
        return
    proof = db.session.get(Proof, proof_id)
    try:
        job = build_job(proof, with_logo=False)
        key = job.key()
        proof.render_key = key
        store = storage()
        if not (store.exists(file_key(proof, "pdf")) and store.exists(file_key(proof, "png"))):
            seconds, memory_mb = _limits()
            # End the transaction first: no row stays locked while we draw.
            job = dataclasses.replace(job, logo_png=branding.logo_png(job.spec.logo_id))
            if job.spec.logo_id and job.logo_png is None and not job.preflight:
                job = dataclasses.replace(
                    job, preflight=("The logo file is missing; please upload it again.",)
                )
            db.session.commit()
            pdf, png = run_limited(render_job_files, job, seconds=seconds, memory_mb=memory_mb)
            store.put(file_key(proof, "png"), png)
            store.put(file_key(proof, "pdf"), pdf)
        proof.status = PROOF.next(proof.status, "finish")
        notifications.notify("proof_ready", proof_id=proof.id)
        db.session.commit()
    except RenderFailed as exc:
        db.session.rollback()
        log.warning("proof %s failed: %s", proof_id, exc)
        _fail(proof_id, str(exc)[:500])
    except Exception as exc:
        db.session.rollback()
        log.exception("proof %s failed", proof_id)
        _fail(proof_id, f"{type(exc).__name__}: {exc}"[:500])


def warm_up() -> None:
    """Prepare this process for fast renders (called when a worker starts)."""
    from proofs.warmup import warm_up as warm

    warm()


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
