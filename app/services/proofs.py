"""Proof rendering: state kept in the Proof row, work done by ``proofs/`` in a Celery task."""

from __future__ import annotations

import dataclasses
import logging
import time

from flask import current_app

from app import observability
from app.background import send_after_commit
from app.extensions import db
from app.faults import InfrastructureFault, is_infrastructure_fault
from app.models import Proof
from app.services import branding, notifications
from app.services.leases import MAX_LOST_RENDERS, GiveUp, Lease
from app.services.webhooks import deliveries as webhooks
from app.storage import storage
from configurator.catalog import load_catalog
from configurator.pricing import Quote, quote
from configurator.spec import BoxSpec
from configurator.states import PROOF
from configurator.vocabulary import WebhookEvent
from proofs.request import ProofRequest, RenderedProof
from proofs.sandbox import RenderFailed, run_limited

log = logging.getLogger(__name__)

RENDER_FAILED = "We could not draw this proof. Our team has been told and will look at it."
LOST_TOO_OFTEN = (
    f"We could not draw this proof: the renderer stopped {MAX_LOST_RENDERS} times while drawing it. "
    "Our team has been told and will look at it."
)


RENDER_TASK_NAME = "app.tasks.render_proof"
"""The task that draws a proof (registered under this name in :mod:`app.tasks`)."""


def enqueue_render(proof_id: int) -> None:
    """Wake a worker for the proof once the current transaction commits; a lost message is re-sent."""
    send_after_commit(RENDER_TASK_NAME, proof_id)


def proof_reference(proof: Proof) -> str:
    return f"GOH-D{proof.design_id:05d}-v{proof.version}"


def file_key(proof: Proof, kind: str) -> str:
    return _file_key(proof.render_key, kind)


def _file_key(render_key: str | None, kind: str) -> str:
    return f"renders/{render_key}.{kind}"


def _frozen_quote(proof: Proof) -> Quote:
    """The quote frozen at submission (rush included), so proof, approval and order agree."""
    if proof.quote:
        return Quote.from_dict(proof.quote)
    return quote(BoxSpec.from_dict(proof.spec), load_catalog())  # rows made before quotes were frozen


def build_request(proof: Proof) -> ProofRequest:
    """The render input of a proof, from its rows; without the logo's bytes, which the key does not need."""
    spec = BoxSpec.from_dict(proof.spec)
    organisation = proof.design.organisation
    return ProofRequest(
        spec=spec,
        quote=_frozen_quote(proof),
        organisation=organisation.name,
        design_name=proof.design.name,
        reference=proof_reference(proof),
        version=proof.version,
        created=proof.created_at.date(),
        review_url=notifications.external_url("review.show", design_id=proof.design_id),
        page_size=organisation.page_size,
        preflight=tuple(branding.preflight(spec.to_dict())),
        delivery_estimate=proof.delivery_estimate,
    )


LEASE = Lease(Proof, PROOF, "PROOF_LEASE_SECONDS", GiveUp(MAX_LOST_RENDERS, LOST_TOO_OFTEN))
"""A render holds its proof under this lease; documents' renders share its settings."""


def _claim(proof_id: int) -> str | None:
    """Move queued -> rendering under a fresh lease; duplicate deliveries get None."""
    return LEASE.take(proof_id, attempts=Proof.attempts + 1)


def _settle(proof_id: int, token: str, action: str, **values: object) -> bool:
    """Move our rendering proof on (finish, fail, requeue) only while we hold its lease; caller commits."""
    return LEASE.settle(proof_id, token, action, **values)


def render(proof_id: int) -> None:
    """Render one proof version; a no-op when another delivery already holds it.

    The render runs under a time and memory limit (:mod:`proofs.sandbox`), so a hostile
    design fails its own proof, with a sentence, and this worker carries on. A fault of the
    database, storage or broker is raised as :class:`InfrastructureFault` for the task to
    retry: the proof goes back to queued (or its lease lapses) and never fails for it.
    """
    try:
        token = _claim(proof_id)
        if token is not None:
            with LEASE.keeper(proof_id, token):
                _render_held(proof_id, token)
    except Exception as exc:
        db.session.rollback()
        if not is_infrastructure_fault(exc):
            raise
        raise InfrastructureFault(f"proof {proof_id} met {type(exc).__name__}; it will be retried") from exc


def _with_logo(request: ProofRequest) -> ProofRequest:
    """The request with its logo read from storage (only when it is drawn), or a finding when the file is gone."""
    logo_png = branding.logo_png(request.spec.logo_id)
    preflight = request.preflight
    if request.spec.logo_id and logo_png is None and not preflight:
        preflight = ("The logo file is missing; please upload it again.",)
    return dataclasses.replace(request, logo_png=logo_png, preflight=preflight)


def render_files(request: ProofRequest) -> RenderedProof:
    """Draw a proof's files (runs under the render limits); WeasyPrint loads here, in the worker only."""
    from proofs.pdf import render_proof_files

    return render_proof_files(request)


def _render_held(proof_id: int, token: str) -> None:
    try:
        proof = db.session.get(Proof, proof_id)
        request = build_request(proof)
        key = request.render_key
        store = storage()
        pdf_key, png_key = _file_key(key, "pdf"), _file_key(key, "png")
        if not (store.exists(pdf_key) and store.exists(png_key)):
            config = current_app.config
            request = _with_logo(request)
            db.session.commit()  # end the transaction first: no row stays locked while we draw
            started = time.perf_counter()
            with observability.rendering("proof"):
                files = run_limited(
                    render_files,
                    request,
                    seconds=config["PROOF_RENDER_SECONDS"],
                    memory_mb=config["PROOF_RENDER_MEMORY_MB"],
                )
            log.info("proof %s drawn in %.0f ms", proof_id, (time.perf_counter() - started) * 1000)
            store.put(png_key, files.png)
            store.put(pdf_key, files.pdf)
        if not _settle(proof_id, token, "finish", render_key=key, failure_reason=None):
            db.session.rollback()
            log.warning("proof %s: the lease was taken over; the other render finishes it", proof_id)
            return
        notifications.notify("proof_ready", proof_id=proof_id)
        webhooks.proof_event(WebhookEvent.PROOF_READY, _proof(proof_id))
        db.session.commit()
    except RenderFailed as exc:
        db.session.rollback()
        log.warning("proof %s failed in the renderer: %s", proof_id, exc, exc_info=exc.__cause__)
        _fail(proof_id, token, _failure_reason(exc))
    except Exception as exc:
        db.session.rollback()
        if not is_infrastructure_fault(exc):  # a bug of ours: fail this proof with a sentence, not a loop
            log.exception("proof %s failed", proof_id)
            _fail(proof_id, token, RENDER_FAILED)
            return
        _release(proof_id, token)
        raise


def _proof(proof_id: int) -> Proof:
    proof = db.session.get(Proof, proof_id, populate_existing=True)  # the status just written
    assert proof is not None
    return proof


def _fail(proof_id: int, token: str, reason: str) -> None:
    """Fail our rendering proof with a sentence (and tell the organisation's webhooks); commits."""
    if _settle(proof_id, token, "fail", failure_reason=reason):
        webhooks.proof_event(WebhookEvent.PROOF_FAILED, _proof(proof_id))
    db.session.commit()


def _release(proof_id: int, token: str) -> None:
    """Give the proof back to the queue after an infrastructure fault (if the database lets us)."""
    try:
        _settle(proof_id, token, "requeue")
        db.session.commit()
    except Exception as exc:  # then the lease lapses and the reconciler requeues it
        db.session.rollback()
        log.warning("could not release proof %s (%s); its lease will lapse", proof_id, exc)


def _failure_reason(exc: Exception) -> str:
    """The sentence buyers and staff read about a failed render; technical detail goes to the log."""
    from proofs.logo import LogoError

    cause = exc.__cause__
    if isinstance(cause, LogoError):  # those messages are written for the buyer
        return str(cause)
    if cause is None and str(exc).startswith("Rendering"):  # the sandbox's time and memory limits
        return str(exc)
    return RENDER_FAILED


def warm_up() -> None:
    """Prepare this process for fast renders (called when a worker starts)."""
    from proofs.warmup import warm_up as warm

    warm()


def reconcile() -> list[int]:
    """Send proofs to the workers again: lapsed leases (a dead worker) and long-queued ones (a lost message).

    A lapsed render counts as lost, not failed; only a proof lost again and again (a design
    that kills its worker every time) fails, with a sentence. Returns the ids sent.
    """
    return LEASE.reconcile(enqueue_render, current_app.config["PROOF_RESEND_SECONDS"])
