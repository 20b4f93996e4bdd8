"""Organisation isolation: another organisation's objects are 404, never shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Order
from app.services import orders, reviews
from tests.app.factories import (
    AuditEventFactory,
    MakerFactory,
    ProofFactory,
    StaffFactory,
    UserFactory,
    WorkshopFactory,
)


@pytest.fixture
def foreign_objects(app):
    """A design of organisation A with a ready proof and an order."""
    proof = ProofFactory()
    design = proof.design
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


HUGE = "99999999999999999999999"


def test_ids_too_large_for_the_database_are_404(browser, foreign_objects):
    """/designs/<20 digits> must not reach the database as an overflowing integer (a 500 before)."""
    design, _proof, _order = foreign_objects
    browser.login(design.created_by.email)
    for url in (
        f"/designs/{HUGE}",
        "/designs/9223372036854775808",
        "/designs/2147483648",
        f"/proofs/{HUGE}/proof.pdf",
        f"/orders/{HUGE}",
        f"/orders/{HUGE}/approval-record.pdf",
        f"/designs/{HUGE}/review",
    ):
        assert browser.get(url).status_code == 404, url
    assert browser.post(f"/proofs/{HUGE}/decision", {"version": 1, "decision": "approve"}).status_code == 404


@pytest.mark.parametrize("number", ["²", "٣", HUGE, "-1", " "])
def test_odd_numbers_in_forms_are_refused_not_500(browser, foreign_objects, number):
    """``"²".isdigit()`` is True but ``int("²")`` fails: hidden numeric fields must not crash."""
    design, proof, order = foreign_objects
    browser.login(design.created_by.email)
    decision = browser.post(f"/proofs/{proof.id}/decision", {"version": number, "decision": "approve"})
    assert decision.status_code == 400
    comment = browser.post(f"/designs/{design.id}/comments", {"version": number, "body": "Looks good"})
    assert comment.status_code == 302

    from tests.app.journeys import Browser

    browser = Browser(browser.client.application.test_client())
    browser.login(StaffFactory().email)
    assert browser.get("/staff/orders", query_string={"organisation": number}).status_code == 200
    job_id = order.jobs[0].id
    for url, data in (
        (f"/staff/jobs/{job_id}/assign", {"maker": number}),
        (f"/staff/jobs/{job_id}/priority", {"priority": number}),
    ):
        response = browser.post(url, data)
        assert response.status_code in (302, 400), (url, response.status_code)


def test_workshop_pick_with_odd_maker_id_is_400(browser):

    tablet = WorkshopFactory()
    browser.login(tablet.email)
    for number in ("²", HUGE):
        assert browser.post("/board/maker", {"maker": number}).status_code == 400


def test_approval_record_never_names_a_maker(app, foreign_objects):
    """The buyer downloads the approval record; production events by makers appear without them."""

    _design, _proof, order = foreign_objects
    maker = MakerFactory(display_name="Sunflower", email="sunflower@workshop.test")
    AuditEventFactory(
        actor_id=maker.id,
        actor_role="maker",
        organisation_id=order.organisation_id,
        subject=f"order:{order.id}",
        action="order.start_production",
        detail={"before": "confirmed", "after": "in_production"},
        address="10.9.8.7",
    )
    record = reviews.approval_record(order)
    text = repr(record)
    assert "order.start_production" in text
    for secret in ("Sunflower", "sunflower@workshop.test", "10.9.8.7"):
        assert secret not in text
