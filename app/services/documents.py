"""Documents made by the worker and served from storage: approval records, packing slips, quotes, diffs.

Laying out a PDF or comparing two pictures takes seconds, so no request ever does it. A
request builds the document's plain inputs (a few queries), finds or creates the ``Document``
row for their content key and, once its transaction commits, wakes a worker; the worker claims
the row with a conditional UPDATE, calls the pure renderer in ``proofs/`` under the render
limits under a lease it renews (:mod:`app.services.leases`), stores the bytes and marks the row
ready. Pages serve the stored file, or say that it is being prepared. A reconciler re-enqueues
rows a lost message or a dead worker (its lease lapsed) left behind.

A new kind of document is a member of :class:`~app.models.documents.DocumentKind`, a
:class:`Recipe` in ``RECIPES`` and a function that builds its inputs.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app import observability
from app.background import send_after_commit
from app.config import ROOT
from app.extensions import db
from app.faults import InfrastructureFault, is_infrastructure_fault
from app.models import CreditNote, Design, Invoice, Order, Proof
from app.models.documents import Document, DocumentKind
from app.models.production import Shipment
from app.services.leases import MAX_LOST_RENDERS, GiveUp, Lease
from app.services.proofs import file_key
from app.services.transaction import dialect_insert
from app.storage import storage
from configurator.states import DOCUMENT, RenderStatus
from proofs import diff
from proofs.fonts import font_set_id
from proofs.sandbox import RenderFailed, run_limited

log = logging.getLogger(__name__)

LOST_TOO_OFTEN = f"Rendering stopped {MAX_LOST_RENDERS} times before it finished."
RENDER_SECONDS = 60.0
"""Wall-clock limit for one render; past it the document fails with a reason."""
RENDER_MEMORY_MB = 1024
"""Memory one render may add to the worker."""


# --- What each kind is made from ----------------------------------------------------------


def _approval_record(data: dict[str, Any], assets: dict[str, bytes]) -> tuple[bytes, None]:
    from proofs.approval_record import render_approval_record  # WeasyPrint: loaded in the worker only

    return render_approval_record(data, assets.get("mockup")), None


def _packing_slip(data: dict[str, Any], _assets: dict[str, bytes]) -> tuple[bytes, None]:
    from proofs.packing_slip import PackingSlip, SlipLine, render_packing_slip  # WeasyPrint: worker only

    slip = PackingSlip(
        **{
            **data,
            "lines": tuple(SlipLine(**line) for line in data["lines"]),
            "personalisation": tuple(data["personalisation"]),
            "ship_to": tuple(data.get("ship_to", ())),
        }
    )
    return render_packing_slip(slip), None


def _quote(data: dict[str, Any], _assets: dict[str, bytes]) -> tuple[bytes, None]:
    from proofs.quote_document import from_dict, render_quote  # WeasyPrint: worker only

    return render_quote(from_dict(data)), None


def _visual_diff(_data: dict[str, Any], assets: dict[str, bytes]) -> tuple[bytes, dict[str, Any]]:
    result = diff.visual_diff(assets["old"], assets["new"])
    meta = {"regions": [r.to_dict() for r in result.regions], "changed": result.changed_fraction}
    return result.png, meta


@dataclass(frozen=True)
class Recipe:
    """How one kind is drawn: a pure function of plain data and asset bytes, and what shapes it."""

    draw: Callable[[dict[str, Any], dict[str, bytes]], tuple[bytes, dict[str, Any] | None]]
    extension: str
    mimetype: str
    shaped_by: tuple[str, ...]
    """Files (from the project root) whose content shapes the output: part of the content key."""
    fonts: bool = True


_QUOTE_FILES = (
    "proofs/quote_document.py",
    "proofs/documents.py",
    "templates/proofs/quote.html",
    "templates/proofs/quote.css",
)
"""The quote's layout, which the invoice and the credit note share."""

RECIPES: dict[DocumentKind, Recipe] = {
    DocumentKind.APPROVAL_RECORD: Recipe(
        _approval_record,
        "pdf",
        "application/pdf",
        (
            "proofs/approval_record.py",
            "proofs/documents.py",
            "templates/proofs/approval_record.html",
            "templates/proofs/approval_record.css",
        ),
    ),
    DocumentKind.PACKING_SLIP: Recipe(
        _packing_slip,
        "pdf",
        "application/pdf",
        (
            "proofs/packing_slip.py",
            "proofs/documents.py",
            "templates/proofs/packing_slip.html",
            "templates/proofs/packing_slip.css",
        ),
    ),
    DocumentKind.QUOTE: Recipe(_quote, "pdf", "application/pdf", _QUOTE_FILES),
    DocumentKind.INVOICE: Recipe(_quote, "pdf", "application/pdf", _QUOTE_FILES),
    DocumentKind.CREDIT_NOTE: Recipe(_quote, "pdf", "application/pdf", _QUOTE_FILES),
    DocumentKind.VISUAL_DIFF: Recipe(_visual_diff, "png", "image/png", ("proofs/diff.py",), fonts=False),
}


@functools.cache
def _revision(kind: DocumentKind) -> str:
    """Digest of the renderer's templates and code (and fonts): a new layout makes new files."""
    recipe = RECIPES[kind]
    digest = hashlib.sha256()
    for name in recipe.shaped_by:
        digest.update((ROOT / name).read_bytes())
    if recipe.fonts:
        digest.update(font_set_id().encode())
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """Inputs as the database will hand them back (JSON), so the key hashes what the worker reads."""
    return json.loads(json.dumps(value, default=str))


def content_key(kind: DocumentKind, inputs: dict[str, Any]) -> str:
    shape = {"kind": kind.value, "inputs": inputs, "renderer": _revision(kind)}
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


# --- Requesting ---------------------------------------------------------------------------


RENDER_TASK_NAME = "app.tasks.render_document"
"""The task that draws a document (registered under this name in :mod:`app.tasks`)."""


def _enqueue(document_id: int) -> None:
    """Wake a worker for the document once the current transaction commits; a lost message is re-sent."""
    send_after_commit(RENDER_TASK_NAME, document_id)


def _request(
    kind: DocumentKind, subject: str, organisation_id: int, data: Any, assets: dict[str, str | None]
) -> Document:
    """Find or create the document for these inputs in the caller's transaction.

    A missing row is made with one ``INSERT … ON CONFLICT DO NOTHING`` on (kind, content key):
    of two requests at the same moment one creates it and the other finds it, and only the
    creator enqueues.
    """
    inputs = _plain({"data": data, "assets": {name: key for name, key in assets.items() if key}})
    key = content_key(kind, inputs)
    existing = select(Document).where(Document.kind == kind, Document.content_key == key)
    document = db.session.scalar(existing)
    if document is not None:
        return document  # the usual case: no write at all
    statement = (
        dialect_insert()(Document)
        .values(
            kind=kind,
            organisation_id=organisation_id,
            subject=subject,
            content_key=key,
            inputs=inputs,
            status=DOCUMENT.initial,
        )
        .on_conflict_do_nothing(index_elements=["kind", "content_key"])
    )
    created = db.session.execute(statement.returning(Document.id)).scalar() is not None
    document = db.session.scalar(existing)
    if created:
        _enqueue(document.id)
    return document


def _committed(document: Document) -> Document:
    db.session.commit()
    return document


def _request_approval_record(order: Order) -> Document:
    # A cycle still: orders requests this record, and reviews (which builds it) creates orders.
    from app.services.reviews.record import approval_record

    mockup = file_key(order.proof, "png") if order.proof.render_key else None
    if mockup and not storage().exists(mockup):
        mockup = None
    return _request(
        DocumentKind.APPROVAL_RECORD,
        f"order:{order.id}",
        order.organisation_id,
        approval_record(order),
        {"mockup": mockup},
    )


def request_approval_record(order: Order) -> None:
    """Request a new order's approval record in its transaction; a worker draws it after the commit.

    The order matters more than its record: a fault building the record's inputs is logged
    and the order goes ahead (the first person to ask requests the record again).
    """
    try:
        _request_approval_record(order)
    except SQLAlchemyError:
        raise
    except Exception:
        log.exception("could not request the approval record of order %s", order.id)


def approval_record(order: Order) -> Document:
    """Find or request the order's approval record as it stands now (commits)."""
    return _committed(_request_approval_record(order))


def packing_slip(order: Order, shipment: Shipment | None = None) -> Document:
    """Find or request the packing slip of an order, or of one parcel of it (commits)."""
    # A cycle still: production's package imports orders, which imports this module.
    from app.services.production import packing_slip as slip

    subject = f"shipment:{shipment.id}" if shipment else f"order:{order.id}"
    return _committed(
        _request(DocumentKind.PACKING_SLIP, subject, order.organisation_id, asdict(slip(order, shipment)), {})
    )


def quote(design: Design) -> Document:
    """Find or request the design's quote as it stands today (commits)."""
    from app.services.quotes import quote_inputs  # quotes prices through estimates, which needs production

    return _committed(
        _request(DocumentKind.QUOTE, f"design:{design.id}", design.organisation_id, quote_inputs(design), {})
    )


def invoice(found: Invoice) -> Document:
    """Find or request the invoice's PDF (commits)."""
    from app.services.quotes import invoice_inputs

    return _committed(
        _request(
            DocumentKind.INVOICE, f"order:{found.order_id}", found.organisation_id, invoice_inputs(found), {}
        )
    )


def credit_note(note: CreditNote) -> Document:
    """Find or request the credit note's PDF (commits)."""
    from app.services.quotes import credit_note_inputs

    return _committed(
        _request(
            DocumentKind.CREDIT_NOTE,
            f"order:{note.invoice.order_id}",
            note.organisation_id,
            credit_note_inputs(note),
            {},
        )
    )


def visual_diff(old: Proof, new: Proof) -> Document:
    """Find or request the picture of what changed from ``old`` to ``new`` (both ready; commits)."""
    return _committed(
        _request(
            DocumentKind.VISUAL_DIFF,
            f"proof:{old.id}-{new.id}",
            new.design.organisation_id,
            {},
            {"old": file_key(old, "png"), "new": file_key(new, "png")},
        )
    )


def diff_for_new_proof(proof_id: int) -> Document | None:
    """Once a newer proof is ready, request its diff from the version before, before anyone asks."""
    proof = db.session.get(Proof, proof_id)
    if proof is None or proof.status != RenderStatus.READY:
        return None
    earlier = [p for p in proof.design.proofs if p.version < proof.version and p.status == RenderStatus.READY]
    return visual_diff(earlier[-1], proof) if earlier else None


def read(document: Document) -> bytes:
    """The stored file of a ready document."""
    return storage().get(document.storage_key)


def mimetype(document: Document) -> str:
    return RECIPES[document.kind].mimetype


# --- Rendering (in the worker) -------------------------------------------------------------


LEASE = Lease(Document, DOCUMENT, "PROOF_LEASE_SECONDS", GiveUp(MAX_LOST_RENDERS, LOST_TOO_OFTEN))
"""A render holds its document under a lease with the same settings as a proof render's."""


def _settle(document_id: int, token: str, action: str, **values: Any) -> bool:
    """Move a document this render still holds (commits); a stale holder moves nothing."""
    moved = LEASE.settle(document_id, token, action, **values)
    db.session.commit()
    if not moved:
        log.info("document %s: the lease was taken over; this render's result is dropped", document_id)
    return moved


def render(document_id: int) -> None:
    """Draw one document; a no-op when another delivery already took it.

    Only the renderer's own failure fails the document. A fault of the database or storage
    puts it back in the queue (the attempt does not count) and propagates, so the task retries;
    a dead worker's lease lapses and :func:`reconcile` queues it again, counted as lost.
    """
    token = LEASE.take(document_id, attempts=Document.attempts + 1)
    if token is None:
        return
    try:
        with LEASE.keeper(document_id, token):
            _render_held(document_id, token)
    except Exception as exc:
        if not is_infrastructure_fault(exc):
            raise
        db.session.rollback()
        with contextlib.suppress(SQLAlchemyError):  # if the database is the fault, the lease lapses
            _settle(document_id, token, "requeue", attempts=Document.attempts - 1)
        raise InfrastructureFault(
            f"document {document_id} met {type(exc).__name__}; it will be retried"
        ) from exc


def _render_held(document_id: int, token: str) -> None:
    document = db.session.get(Document, document_id)
    recipe = RECIPES[document.kind]
    key = f"documents/{document.kind.value}/{document.content_key}.{recipe.extension}"
    store = storage()
    assets = {name: store.get(path) for name, path in document.inputs["assets"].items()}
    data = document.inputs["data"]
    db.session.commit()  # no transaction stays open while we draw
    try:
        with observability.rendering(document.kind.value):
            output, meta = run_limited(
                recipe.draw, data, assets, seconds=RENDER_SECONDS, memory_mb=RENDER_MEMORY_MB
            )
    except RenderFailed as exc:
        log.warning("document %s failed: %s", document_id, exc)
        _settle(document_id, token, "fail", failure_reason=str(exc)[:500])
        return
    store.put(key, output)
    _settle(document_id, token, "finish", storage_key=key, meta=meta)


def reconcile() -> list[int]:
    """Send documents to the workers again: lapsed leases (a dead worker, counted as lost) and
    long-queued ones (a lost message). Returns the ids sent."""
    return LEASE.reconcile(_enqueue, current_app.config["PROOF_RESEND_SECONDS"])
