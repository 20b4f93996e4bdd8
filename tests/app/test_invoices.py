"""Invoices: issued with the order, numbered without gaps or repeats, drawn by the worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DocumentKind, Invoice, Order, Proof
from app.services import documents, invoices, orders
from configurator.vocabulary import PaymentTerms
from tests.app.factories import ProofFactory, UserFactory, make_order
from tests.app.journeys import Browser
from tests.app.racing import race, racing_app
from tests.app.test_documents import pdf_text, rows, sent, web_process  # noqa: F401 - fixtures

ORDERS_AT_ONCE = 6


def test_a_confirmed_order_gets_the_next_invoice_number_and_a_due_date_from_its_terms(app):
    first = make_order()
    first.organisation.payment_terms = PaymentTerms.NET_15
    db.session.commit()
    second = OrderFactoryFor(first.organisation)
    one, two = invoices.invoice_of(first), invoices.invoice_of(second)
    assert (one.number, two.number) == (1, 2) and two.reference == "INV-000002"
    assert one.due_on == one.issued_on  # due on receipt when the first was issued
    assert two.due_on == two.issued_on + timedelta(days=15) and two.payment_terms is PaymentTerms.NET_15
    assert str(two.total) == second.quote["total"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invoice.issued").limit(1))
    assert event is not None and event.detail["invoice"] == 1


def OrderFactoryFor(organisation) -> Order:
    buyer = UserFactory(organisation=organisation)
    proof = ProofFactory(design__created_by=buyer, design__status="approved")
    order = orders.create_from(buyer, proof)
    db.session.commit()
    return order


def test_a_rolled_back_order_gives_its_number_back(app):
    make_order()
    proof = ProofFactory(design__status="approved")
    orders.create_from(proof.design.created_by, proof)
    db.session.rollback()  # the order failed after taking number 2
    again = OrderFactoryFor(UserFactory().organisation)
    assert invoices.invoice_of(again).number == 2


def test_the_buyer_downloads_the_invoice_the_worker_drew(app, browser, sent):  # noqa: F811
    order = make_order()
    browser.login(order.design.created_by.email)
    page = browser.get(f"/orders/{order.id}").text
    assert "Download invoice INV-000001" in page
    url = f"/orders/{order.id}/invoice.pdf"
    with web_process():
        assert browser.get(url).status_code == 202
    (document,) = rows(DocumentKind.INVOICE)
    documents.render(document.id)
    served = browser.get(url)
    assert served.mimetype == "application/pdf"
    text = pdf_text(served.data)
    assert "Invoice INV-000001" in text and "Due" in text and order.reference in text
    assert f"${float(order.quote['total']):,.2f}" in text
    other = Browser(app.test_client())
    other.login(UserFactory().email)  # another organisation
    assert other.get(url).status_code == 404


@pytest.mark.real_commits  # racers on connections of their own
def test_orders_confirmed_at_once_get_consecutive_numbers_with_no_gap_or_repeat(app):
    proof_ids = [ProofFactory(design__status="approved").id for _ in range(ORDERS_AT_ONCE)]

    def confirm(proof_id: int):
        def act() -> int:
            proof = db.session.get(Proof, proof_id)
            order = orders.create_from(proof.design.created_by, proof)
            db.session.commit()
            return order.id

        return act

    with racing_app(app, ORDERS_AT_ONCE) as racers:
        results = race(racers, *(confirm(p) for p in proof_ids))
    assert all(isinstance(r, int) for r in results), results
    db.session.expire_all()
    numbers = sorted(db.session.scalars(select(Invoice.number)))
    assert numbers == list(range(1, ORDERS_AT_ONCE + 1))
