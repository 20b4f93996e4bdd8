"""Organisation isolation: another organisation's objects are 404, never shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Order, Proof
from app.services import orders, reviews
from tests.app.factories import DesignFactory, MakerFactory, StaffFactory, UserFactory


@pytest.fixture
def foreign_objects(app):
    """A design of organisation A with a ready proof and an order."""
    design = DesignFactory(status="submitted")
    proof = Proof(design=design, version=1, spec=design.spec, spec_hash="x", status="ready", render_key="k")
    db.session.add(proof)
    db.session.commit()
    staff = StaffFactory()
    for side_user in (design.created_by, staff):
        reviews.decide(side_user, proof, 1, "approve", "")
    order = db.session.scalar(select(Order))
    assert order is not None
    return design, proof, order


def test_other_organisation_gets_404_everywhere(browser, foreign_objects):
    design, proof, order = foreign_objects
    browser.login(UserFactory().email)  # a buyer of another organisation
    for url in (
        f"/designs/{design.id}",
        f"/designs/{design.id}/status.json",
        f"/proofs/{proof.id}/mockup.png",
        f"/proofs/{proof.id}/proof.pdf",
        f"/orders/{order.id}",
    ):
        assert browser.get(url).status_code == 404, url
    assert (
        browser.post(f"/proofs/{proof.id}/decision", {"version": 1, "decision": "approve"}).status_code == 404
    )
    assert browser.post(f"/designs/{design.id}/submit", {"revision": 1}).status_code == 404


def test_tampered_ids_are_404(browser):
    browser.login(UserFactory().email)
    for url in ("/designs/999999", "/proofs/999999/proof.pdf", "/orders/999999", "/designs/abc"):
        assert browser.get(url).status_code == 404, url


def test_makers_see_only_the_board(browser, foreign_objects):
    design, _proof, order = foreign_objects
    browser.login(MakerFactory().email)
    assert browser.get("/board").status_code == 200
    for url in (f"/designs/{design.id}", f"/orders/{order.id}", "/staff/", "/designs"):
        assert browser.get(url).status_code == 403, url


def test_buyers_cannot_use_staff_pages(browser, foreign_objects):
    _design, _proof, order = foreign_objects
    browser.login(order.design.created_by.email)
    assert browser.get("/staff/").status_code == 403
    assert browser.post(f"/staff/orders/{order.id}/cancel").status_code == 403
    assert orders.get_order(order.design.created_by, order.id) is order
