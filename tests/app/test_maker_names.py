"""Staff free text that buyers read is checked for maker pseudonyms before it is saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Review
from app.models.production import Shipment
from app.models.review import Comment
from app.services.production import set_maker_active
from app.services.production.identities import pseudonyms_in
from tests.app.factories import DesignFactory, StaffFactory, make_order, pseudonym, ready_proof


def test_pseudonyms_are_found_as_whole_words_in_any_case(app):
    pseudonym("River")
    retired = pseudonym("Sunflower")
    set_maker_active(StaffFactory(), retired.id, False)
    db.session.commit()
    assert pseudonyms_in("Made by river and SUNFLOWER.") == ["River", "Sunflower"]
    assert pseudonyms_in("Riverside Couriers, 1Z-RIVERS") == []
    assert pseudonyms_in("") == []


def _packed_order():
    order = make_order()
    order.status = "packed"
    db.session.commit()
    return order


def test_a_carrier_naming_a_maker_comes_back_with_a_warning_and_nothing_lost(app, browser):
    pseudonym("Willow")
    order = _packed_order()
    browser.login(StaffFactory().email)
    data = {"carrier": "Hand delivered by willow", "tracking_number": "1Z999AA1", "boxes": 10}

    warned = browser.post(f"/staff/orders/{order.id}/ship", data)

    assert warned.status_code == 422
    assert "“Willow” is a maker&#39;s pseudonym, and buyers read this text." in warned.text
    assert 'id="carrier-error"' in warned.text and 'id="tracking_number-error"' not in warned.text
    assert 'value="Hand delivered by willow"' in warned.text and 'value="1Z999AA1"' in warned.text
    assert 'name="save_anyway"' in warned.text
    assert db.session.scalar(select(func.count(Shipment.id))) == 0

    saved = browser.post(f"/staff/orders/{order.id}/ship", {**data, "save_anyway": "y"})
    assert saved.status_code == 302
    assert db.session.scalar(select(Shipment.carrier)) == "Hand delivered by willow"


def test_a_carrier_without_a_maker_name_ships_at_once(app, browser):
    pseudonym("Willow")
    order = _packed_order()
    browser.login(StaffFactory().email)
    shipped = browser.post(
        f"/staff/orders/{order.id}/ship", {"carrier": "UPS", "tracking_number": "1Z999AA1", "boxes": 10}
    )
    assert shipped.status_code == 302
    assert db.session.scalar(select(func.count(Shipment.id))) == 1


@pytest.fixture
def submitted():
    pseudonym("Sparrow")
    design = DesignFactory()
    proof = ready_proof(design)
    return design, proof


def test_a_send_back_reason_naming_a_maker_is_held_for_confirmation(app, browser, submitted):
    _design, proof = submitted
    browser.login(StaffFactory().email)
    reason = {
        "version": proof.version,
        "decision": "request_changes",
        "comment": "Sparrow says the ribbon is wrong",
    }

    warned = browser.post(f"/proofs/{proof.id}/decision", reason)

    assert warned.status_code == 422
    assert "“Sparrow” is a maker&#39;s pseudonym" in warned.text and 'id="reason-error"' in warned.text
    assert "Sparrow says the ribbon is wrong</textarea>" in warned.text
    assert db.session.scalar(select(func.count(Review.id))) == 0

    kept = browser.post(f"/proofs/{proof.id}/decision", {**reason, "save_anyway": "y"})
    assert kept.status_code == 302
    assert db.session.scalar(select(Review.comment)) == "Sparrow says the ribbon is wrong"


def test_a_staff_comment_naming_a_maker_is_held_but_a_buyer_comment_is_not(app, browser, submitted):
    design, proof = submitted
    browser.login(StaffFactory().email)
    note = {"version": proof.version, "body": "Ask sparrow about the felt"}
    warned = browser.post(f"/designs/{design.id}/comments", note)
    assert warned.status_code == 422
    assert "“Sparrow” is a maker&#39;s pseudonym" in warned.text and 'id="body-error"' in warned.text
    assert "Ask sparrow about the felt</textarea>" in warned.text
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    # A buyer cannot know a maker's name: their comments are never held (a sparrow is a bird).
    browser.client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(design.created_by.email)
    assert browser.post(f"/designs/{design.id}/comments", note).status_code == 302
    assert db.session.scalar(select(func.count(Comment.id))) == 1
