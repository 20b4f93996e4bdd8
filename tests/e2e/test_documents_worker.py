"""A real Celery worker on Redis makes the documents: the diff once v2 is ready, the approval
record once the order exists; the pages then serve the stored files."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.e2e.conftest import stop
from tests.e2e.workers import start_worker, submitted_proof, wait_for_status

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def wait_for_document(kind, timeout: float = 90):
    """The first document of ``kind`` once the worker has settled it (ready or failed)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Document
    from configurator.states import DocumentStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        document = db.session.scalar(select(Document).where(Document.kind == kind).order_by(Document.id))
        if document is not None and document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            return document
        db.session.rollback()
        time.sleep(0.05)
    raise AssertionError(f"no settled {kind} document after {timeout} s")


def test_the_worker_makes_the_diff_after_v2_and_the_record_after_the_order(app, worker_env, tmp_path):
    from app.extensions import db
    from app.models import DocumentKind, Order, Proof
    from app.services import designs, reviews
    from configurator.spec import BoxSpec
    from configurator.states import DocumentStatus
    from tests.app.factories import StaffFactory
    from tests.app.journeys import Browser

    v1 = submitted_proof()
    design_id = v1.design_id
    worker = start_worker(worker_env, tmp_path / "worker.log")
    try:
        v1 = wait_for_status(v1.id, ("ready", "failed"))
        assert v1.status == "ready", v1.failure_reason
        buyer = v1.design.created_by
        reviews.decide(buyer, v1, 1, "request_changes", "A red ribbon, please")
        design = v1.design
        designs.commit_spec(design, BoxSpec.from_dict(design.spec).replace(ribbon_colour="red"))
        v2 = designs.submit(design, buyer, design.revision)
        v2 = wait_for_status(v2.id, ("ready", "failed"))
        assert v2.status == "ready", v2.failure_reason

        diff = wait_for_document(DocumentKind.VISUAL_DIFF)  # nobody asked: the render task requested it
        assert diff.status == DocumentStatus.READY, diff.failure_reason
        assert diff.subject == f"proof:{v1.id}-{v2.id}" and diff.meta["regions"]

        reviews.decide(buyer, db.session.get(Proof, v2.id), 2, "approve", "Perfect, thank you")
        reviews.decide(StaffFactory(), db.session.get(Proof, v2.id), 2, "approve", "")
        record = wait_for_document(DocumentKind.APPROVAL_RECORD)
        assert record.status == DocumentStatus.READY, record.failure_reason
    finally:
        stop(worker)

    order = db.session.scalar(db.select(Order))
    browser = Browser(app.test_client())
    browser.login(buyer.email)
    page = browser.get(f"/designs/{design_id}/compare?a=1&b=2")
    assert page.status_code == 200 and "of the picture changed" in page.text
    png = browser.get(f"/designs/{design_id}/compare/v1-v2.png")
    assert png.status_code == 200 and Image.open(io.BytesIO(png.data)).size == (1600, 1200)

    pdf = browser.get(f"/orders/{order.id}/approval-record.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert order.reference in text and "Perfect, thank you" in text and buyer.email in text
    assert record.attempts == 1 and diff.attempts == 1


def test_a_worker_killed_mid_render_delays_the_document_within_the_lease(app, worker_env, tmp_path):
    """The record's render is observably drawing, its lease renewed; the worker is killed; the
    lease lapses and the document is made by another worker, the lost render counted apart."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Document, DocumentKind, utcnow
    from app.services import reviews
    from configurator.states import DocumentStatus
    from tests.app.factories import DesignFactory, StaffFactory, ready_proof
    from tests.e2e.workers import killed_worker, wait_until

    marker = tmp_path / "drawing"
    held = {**worker_env, "HELD_DOCUMENT_MARKER": str(marker)}
    with killed_worker(held, tmp_path / "first.log"):
        design = DesignFactory(name="Onboarding box")
        proof = ready_proof(design)
        reviews.decide(design.created_by, proof, 1, "approve", "Lovely")
        reviews.decide(StaffFactory(), proof, 1, "approve", "")  # the order: its record is sent
        wait_until(marker.exists, what="the record starting to draw")

        def record() -> Document:
            db.session.expire_all()
            found = db.session.scalar(select(Document).where(Document.kind == DocumentKind.APPROVAL_RECORD))
            db.session.rollback()
            return found

        lease = record().lease_expires_at
        assert record().status == DocumentStatus.RENDERING and lease > utcnow()
        assert wait_until(lambda: record().lease_expires_at > lease, what="the worker renewing the lease")
    killed = time.monotonic()

    second = start_worker(worker_env, tmp_path / "second.log", "--beat")  # beat runs the reconciler
    try:
        document = wait_for_document(DocumentKind.APPROVAL_RECORD)
    finally:
        stop(second)
    lease, period = worker_env["PROOF_LEASE_SECONDS"], worker_env["PROOF_RECONCILE_SECONDS"]
    print(
        f"ready {time.monotonic() - killed:.1f} s after the kill (lease {lease} s, reconciler every {period} s)"
    )
    assert document.status == DocumentStatus.READY, document.failure_reason
    assert (document.attempts, document.lost_attempts, document.failure_reason) == (2, 1, None)
