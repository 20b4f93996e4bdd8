"""Documents (approval record, packing slips, visual diff) are made by the worker, never in a request.

The web process here has no worker: ``sent`` stands in for the broker and records what was
enqueued, and every renderer raises if anything calls it. The tests then do what the worker
does (``documents.render``) and check what the pages serve.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select, update

from app.extensions import db
from app.faults import InfrastructureFault
from app.models import Document, DocumentKind, Order, utcnow
from app.services import documents, reviews
from configurator.states import DocumentStatus
from tests.app.factories import DesignFactory, ShipmentFactory, StaffFactory, UserFactory, ready_proof

RENDERERS = (
    "proofs.approval_record.render_approval_record",
    "proofs.packing_slip.render_packing_slip",
    "proofs.diff.visual_diff",
    "weasyprint.HTML.write_pdf",
)


class RenderedInRequest(AssertionError):
    """A renderer ran where only the worker may run it."""


def _refuse(*_args: object, **_kwargs: object) -> None:
    raise RenderedInRequest("a renderer ran in the web process")


@contextmanager
def web_process() -> Iterator[None]:
    """While inside, any call to WeasyPrint or a document renderer raises."""
    with pytest.MonkeyPatch.context() as patch:
        for target in RENDERERS:
            patch.setattr(target, _refuse)
        yield


@pytest.fixture
def sent(app, broker) -> list[object]:
    """The ids of the documents the web process asked a worker to render (nothing runs eagerly)."""
    return broker[documents.RENDER_TASK_NAME]


def rows(kind: DocumentKind | None = None) -> list[Document]:
    db.session.expire_all()
    query = select(Document).order_by(Document.id)
    if kind is not None:
        query = query.where(Document.kind == kind)
    return list(db.session.scalars(query))


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def order(app, sent) -> Order:
    design = DesignFactory(name="Onboarding box")
    proof = ready_proof(design)
    with web_process():
        reviews.decide(design.created_by, proof, 1, "approve", "Looks lovely")
        reviews.decide(StaffFactory(), proof, 1, "approve", "")
    return db.session.scalar(select(Order))


def test_the_approval_record_is_requested_with_the_order_and_served_once_the_worker_made_it(
    browser, order, sent
):
    [record] = rows()
    assert record.kind == DocumentKind.APPROVAL_RECORD and record.status == DocumentStatus.QUEUED
    assert record.subject == f"order:{order.id}" and sent == [record.id]  # enqueued after the commit

    browser.login(order.design.created_by.email)
    url = f"/orders/{order.id}/approval-record.pdf"
    with web_process():
        waiting = browser.get(url)
        poll = browser.get(url, headers={"Accept": "application/json"})
    assert waiting.status_code == 202 and waiting.headers["Retry-After"]
    assert "We are preparing it now" in waiting.text and f'data-document-status="{url}"' in waiting.text
    assert "<script>" not in waiting.text.split("</head>")[1]
    assert poll.json["status"] == "queued"
    assert [d.id for d in rows()] == [record.id] and sent == [record.id]  # asking again queues nothing new

    documents.render(record.id)  # what the worker does
    for _ in range(3):
        with web_process():
            served = browser.get(url)
        assert served.status_code == 200 and served.mimetype == "application/pdf"
        assert "attachment" in served.headers["Content-Disposition"]
    text = pdf_text(served.data)
    assert order.reference in text and "Onboarding box" in text and "Looks lovely" in text
    [record] = rows()
    assert record.status == DocumentStatus.READY and record.attempts == 1


def test_an_order_without_a_record_gets_one_when_someone_asks(browser, order, sent):
    db.session.execute(Document.__table__.delete())  # an order from before documents existed
    db.session.commit()
    sent.clear()
    browser.login(order.design.created_by.email)
    with web_process():
        assert browser.get(f"/orders/{order.id}/approval-record.pdf").status_code == 202
    [record] = rows()
    assert record.status == DocumentStatus.QUEUED and sent == [record.id]


def test_packing_slips_are_laid_out_by_the_worker(browser, order, sent):
    staff = StaffFactory()
    shipment = ShipmentFactory(order=order, tracking_number="1Z999", boxes=4, shipped_by=staff)
    browser.login(staff.email)
    urls = (
        f"/staff/orders/{order.id}/packing-slip.pdf",
        f"/staff/orders/{order.id}/shipments/{shipment.id}/packing-slip.pdf",
    )
    with web_process():
        for url in urls:
            page = browser.get(url)
            assert page.status_code == 202 and "Packing slip for" in page.text
    slips = rows(DocumentKind.PACKING_SLIP)
    assert [s.subject for s in slips] == [f"order:{order.id}", f"shipment:{shipment.id}"]
    assert all(s.status == DocumentStatus.QUEUED for s in slips)
    for slip in slips:
        documents.render(slip.id)
    with web_process():
        whole, parcel = (browser.get(url) for url in urls)
    assert whole.mimetype == parcel.mimetype == "application/pdf"
    assert order.reference in pdf_text(whole.data)
    assert "1Z999" in pdf_text(parcel.data)


@pytest.fixture
def two_versions(app, sent):
    design = DesignFactory(name="Welcome box")
    v1 = ready_proof(design, message="Welcome aboard!")
    reviews.decide(design.created_by, v1, 1, "request_changes", "Please use a red ribbon")
    v2 = ready_proof(design, message="Welcome to the team", ribbon_colour="red")
    return design, v1, v2


def test_the_diff_is_made_by_the_worker_and_the_compare_page_waits_for_it(browser, two_versions, sent):
    design, v1, v2 = two_versions
    with web_process():
        documents.diff_for_new_proof(v2.id)  # the render task does this once v2 is ready
    [diff] = rows()
    assert diff.kind == DocumentKind.VISUAL_DIFF and diff.subject == f"proof:{v1.id}-{v2.id}"
    assert sent == [diff.id]

    browser.login(design.created_by.email)
    png_url = f"/designs/{design.id}/compare/v1-v2.png"
    with web_process():
        page = browser.get(f"/designs/{design.id}/compare?a=1&b=2")
        png = browser.get(png_url)
        poll = browser.get(png_url, headers={"Accept": "application/json"})
    assert page.status_code == 200 and "We are marking the changes in the picture" in page.text
    assert f'data-document-status="{png_url}"' in page.text and f'src="{png_url}"' not in page.text
    assert "Ribbon:" in page.text  # the changes in words need no worker
    assert png.status_code == 202 and poll.json["status"] == "queued"
    assert [d.id for d in rows()] == [diff.id] and sent == [diff.id]

    documents.render(diff.id)
    with web_process():
        page = browser.get(f"/designs/{design.id}/compare?a=1&b=2")
        png = browser.get(png_url)
    assert "of the picture changed" in page.text and png_url in page.text
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert Image.open(io.BytesIO(png.data)).size == (800, 600)


def test_any_other_pair_is_requested_when_compared(browser, two_versions, sent):
    design, _v1, _v2 = two_versions
    browser.login(design.created_by.email)
    with web_process():
        assert browser.get(f"/designs/{design.id}/compare?a=1&b=2").status_code == 200
    [diff] = rows()
    assert diff.status == DocumentStatus.QUEUED and sent == [diff.id]


@pytest.mark.real_commits  # threads with connections of their own
def test_concurrent_requests_make_one_document_and_one_enqueue(app, order, sent):
    """Eight requests at the same instant for a slip nobody asked for yet: one row, one wake-up."""
    order_id, threads, barrier = order.id, 8, threading.Barrier(8)
    found: list[int] = []

    def ask() -> None:
        with app.app_context():
            mine = db.session.get(Order, order_id)
            barrier.wait()
            found.append(documents.packing_slip(mine).id)
            db.session.remove()

    with web_process():
        workers = [threading.Thread(target=ask) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    slips = rows(DocumentKind.PACKING_SLIP)
    assert len(slips) == 1 and found == [slips[0].id] * threads
    assert sent.count(slips[0].id) == 1


def test_a_duplicate_delivery_renders_once(app, order, monkeypatch):
    [record] = rows()
    calls = []
    from proofs import approval_record

    real = approval_record.render_approval_record
    monkeypatch.setattr(approval_record, "render_approval_record", lambda *a: calls.append(1) or real(*a))
    for _ in range(3):  # a redelivery, a retry, the reconciler: all find it taken or done
        documents.render(record.id)
    assert len(calls) == 1 and rows()[0].attempts == 1


def _lapse(document_id: int) -> None:
    """The lease ran out, as it does when its worker died: set it in the past."""
    db.session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(lease_expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def test_a_lapsed_lease_is_requeued_and_counted_as_lost_not_failed(app, order, sent):
    [record] = rows()
    sent.clear()
    assert documents.LEASE.take(record.id, attempts=Document.attempts + 1)  # a worker starts...
    assert documents.reconcile() == []  # ...and while its lease runs, nobody takes the document
    _lapse(record.id)  # ...then dies mid-render: nobody renews the lease
    assert documents.reconcile() == [record.id] and sent == [record.id]
    [record] = rows()
    assert (record.status, record.lost_attempts, record.failure_reason) == (DocumentStatus.QUEUED, 1, None)
    assert record.lease_token is None and documents.reconcile() == []  # queued again once

    documents.render(record.id)  # the message the reconciler sent
    [record] = rows()
    assert (record.status, record.attempts, record.lost_attempts) == (DocumentStatus.READY, 2, 1)


def test_a_queued_document_whose_message_was_lost_is_sent_again(app, order, sent):
    [record] = rows()
    sent.clear()
    long_ago = utcnow() - timedelta(seconds=app.config["PROOF_RESEND_SECONDS"] + 1)
    db.session.execute(update(Document).where(Document.id == record.id).values(updated_at=long_ago))
    db.session.commit()
    assert documents.reconcile() == [record.id] and sent == [record.id]
    assert documents.reconcile() == []  # sent once per period, not every round
    assert rows()[0].lost_attempts == 0


def test_a_stale_holder_cannot_mark_a_document_ready(app, order, sent, monkeypatch):
    from proofs import approval_record

    [record] = rows()
    real = approval_record.render_approval_record

    def taken_over(*args):
        _lapse(record.id)  # this worker stalled past its lease...
        assert documents.reconcile() == [record.id]  # ...and the document went to someone else
        return real(*args)

    monkeypatch.setattr(approval_record, "render_approval_record", taken_over)
    documents.render(record.id)
    [stale] = rows()
    assert (stale.status, stale.lost_attempts, stale.storage_key) == (DocumentStatus.QUEUED, 1, None)

    monkeypatch.setattr(approval_record, "render_approval_record", real)
    documents.render(record.id)  # the new holder
    [record] = rows()
    assert (record.status, record.attempts, record.lost_attempts) == (DocumentStatus.READY, 2, 1)


@pytest.mark.real_commits  # the lease keeper and the reader use connections of their own
def test_a_render_renews_its_lease_while_it_draws(app, order, monkeypatch):
    from proofs import approval_record

    app.config["PROOF_LEASE_SECONDS"] = 0.6  # renewed every 0.2 s
    [record] = rows()
    real = approval_record.render_approval_record
    seen = []

    def slow(*args):
        with db.engine.connect() as connection:
            read = select(Document.lease_expires_at).where(Document.id == record.id)
            seen.append(connection.execute(read).scalar_one())
            while connection.execute(read).scalar_one() == seen[0]:  # until the keeper renews it
                connection.rollback()
                threading.Event().wait(0.02)
            seen.append(connection.execute(read).scalar_one())
        return real(*args)

    monkeypatch.setattr(approval_record, "render_approval_record", slow)
    documents.render(record.id)
    [record] = rows()
    assert record.status == DocumentStatus.READY and record.lease_expires_at is None
    assert seen[1] > seen[0]


def test_a_document_that_kills_its_worker_every_time_fails_with_a_sentence(browser, order, sent):
    [record] = rows()
    for _ in range(documents.MAX_LOST_RENDERS):
        assert documents.LEASE.take(record.id, attempts=Document.attempts + 1)
        _lapse(record.id)
        documents.reconcile()
    [record] = rows()
    assert (record.status, record.lost_attempts) == (DocumentStatus.FAILED, documents.MAX_LOST_RENDERS)
    assert record.failure_reason == documents.LOST_TOO_OFTEN
    browser.login(order.design.created_by.email)
    page = browser.get(f"/orders/{order.id}/approval-record.pdf")
    assert page.status_code == 500 and "We could not prepare this document" in page.text


def test_a_request_in_a_transaction_that_rolls_back_wakes_nobody(app, order, sent):
    db.session.execute(Document.__table__.delete())
    db.session.commit()
    sent.clear()
    documents.request_approval_record(db.session.get(Order, order.id))
    db.session.rollback()  # the order's transaction failed after all
    db.session.commit()
    assert sent == [] and rows() == []


def test_a_storage_fault_puts_the_document_back_without_counting_the_attempt(app, order, monkeypatch):
    [record] = rows()
    store = app.extensions["storage"]
    real_put = store.put

    def broken_put(key: str, data: bytes) -> None:
        raise OSError("disk not mounted")

    monkeypatch.setattr(store, "put", broken_put)
    with pytest.raises(InfrastructureFault):
        documents.render(record.id)  # the task retries this
    [record] = rows()
    assert record.status == DocumentStatus.QUEUED and record.attempts == 0 and record.failure_reason is None
    monkeypatch.setattr(store, "put", real_put)
    documents.render(record.id)
    assert rows()[0].status == DocumentStatus.READY


def test_a_renderer_failure_fails_the_document_with_a_sentence(browser, order, monkeypatch):
    [record] = rows()
    monkeypatch.setattr("proofs.approval_record.render_approval_record", _refuse)
    documents.render(record.id)
    [record] = rows()
    assert record.status == DocumentStatus.FAILED and record.failure_reason
    browser.login(order.design.created_by.email)
    page = browser.get(f"/orders/{order.id}/approval-record.pdf")
    assert "We could not prepare this document" in page.text and "RenderedInRequest" not in page.text


def test_another_organisation_gets_404_and_requests_nothing(browser, order, two_versions, sent):
    design, _v1, _v2 = two_versions
    before = db.session.scalar(select(func.count()).select_from(Document))
    browser.login(UserFactory().email)
    for url in (
        f"/orders/{order.id}/approval-record.pdf",
        f"/designs/{design.id}/compare?a=1&b=2",
        f"/designs/{design.id}/compare/v1-v2.png",
    ):
        for headers in ({}, {"Accept": "application/json"}):
            with web_process():
                assert browser.get(url, headers=headers).status_code == 404, url
    assert browser.get(f"/staff/orders/{order.id}/packing-slip.pdf").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Document)) == before
