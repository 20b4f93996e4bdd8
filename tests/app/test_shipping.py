"""Shipping never exceeds the boxes ordered: not by an empty field, a second press or two staff at once.

Before, an empty "boxes" field meant "all boxes" every time and the form stayed after the order
shipped: 35 parcels of 10 boxes were recorded on a 10-box order.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, User
from app.models.production import Shipment
from app.services import production
from app.services.errors import Conflict, Invalid, ServiceError
from tests.app.factories import StaffFactory, make_order
from tests.app.racing import race, racing_app

ROUNDS = 20
SECOND_WORDS = (
    "Someone else recorded a parcel of this order a moment ago; nothing was saved.",  # lost the write
    "All 10 boxes of this order have been shipped",  # read after the first, with an empty field
    "Please correct the shipment: Enter a number of boxes from 1 to 4",  # read after the first, 6 boxes
)


def _packed(quantity: int = 10) -> Order:
    order = make_order(quantity=quantity)
    order.status = "packed"  # the way there is tested in test_production.py
    db.session.commit()
    return order


def _shipped(order_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(Shipment.boxes), 0)).where(Shipment.order_id == order_id)
    )


def test_an_empty_field_ships_what_is_left_and_never_more(app):
    order, staff = _packed(), StaffFactory()
    assert production.ship(staff, order, "UPS", "1Z1", 4).boxes == 4
    with pytest.raises(Invalid) as refused:
        production.ship(staff, db.session.get(Order, order.id), "UPS", "1Z2", 7)
    assert refused.value.violations == {
        "boxes": "Enter a number of boxes from 1 to 6: 6 of the 10 are not shipped yet."
    }
    assert production.ship(staff, db.session.get(Order, order.id), "UPS", "1Z3").boxes == 6  # the rest
    with pytest.raises(Conflict, match="All 10 boxes of this order have been shipped"):
        production.ship(staff, db.session.get(Order, order.id), "UPS", "1Z4")
    assert _shipped(order.id) == 10 and production.boxes_left(db.session.get(Order, order.id)) == 0


def test_the_staff_page_offers_no_ship_form_once_every_box_has_left(browser):
    order, staff = _packed(), StaffFactory()
    browser.login(staff.email)
    page = browser.get(f"/staff/orders/{order.id}").text
    assert 'class="ship-form"' in page and 'max="10"' in page
    assert (
        browser.post(
            f"/staff/orders/{order.id}/ship", {"carrier": "UPS", "tracking_number": "1Z1", "boxes": "4"}
        ).status_code
        == 302
    )
    too_many = browser.post(
        f"/staff/orders/{order.id}/ship", {"carrier": "UPS", "tracking_number": "1Z2", "boxes": "7"}
    )
    assert too_many.status_code == 422
    error = re.search(
        r'<p class="error" id="boxes-error">([^<]+)</p>\s*<input[^>]*aria-describedby="boxes-error"',
        too_many.text,
    )
    assert error and error.group(1) == "Enter a number of boxes from 1 to 6: 6 of the 10 are not shipped yet."
    rest = browser.post(
        f"/staff/orders/{order.id}/ship",
        {"carrier": "UPS", "tracking_number": "1Z3", "boxes": ""},
        follow_redirects=True,
    )
    assert "Shipped 6 boxes with UPS (1Z3)." in rest.text
    assert 'class="ship-form"' not in rest.text and "All 10 boxes shipped." in rest.text
    again = browser.post(
        f"/staff/orders/{order.id}/ship", {"carrier": "UPS", "tracking_number": "1Z4"}, follow_redirects=True
    )
    assert again.status_code == 200 and "nothing left to ship" in again.text
    assert _shipped(order.id) == 10


@pytest.mark.real_commits  # racers on connections of their own
def test_two_shipments_at_one_instant_never_over_ship(app, capsys):
    """Two staff ship the same order together: an empty field each, or 6 boxes each of 10."""
    staff = StaffFactory()
    staff_id = staff.id
    tally = {
        "one shipped": 0,
        "both shipped": 0,
        "over-shipped": 0,
        "server errors": 0,
        "stopped by the insert": 0,
    }
    failures = []
    with racing_app(app, 2) as racers:
        for n in range(ROUNDS):
            order_id = _packed().id
            boxes = None if n % 2 else 6
            db.session.remove()

            def ship(tracking: str, order_id: int = order_id, boxes: int | None = boxes) -> object:
                order = db.session.get(Order, order_id)
                return production.ship(db.session.get(User, staff_id), order, "UPS", tracking, boxes).boxes

            results = race(racers, lambda: ship("1ZA"), lambda: ship("1ZB"))
            shipped, landed = _shipped(order_id), [r for r in results if isinstance(r, int)]
            errors = [r for r in results if isinstance(r, Exception) and not isinstance(r, ServiceError)]
            tally["server errors"] += len(errors)
            tally["one shipped"] += len(landed) == 1
            tally["both shipped"] += len(landed) == 2
            tally["over-shipped"] += shipped > 10
            refused = [str(r) for r in results if isinstance(r, ServiceError)]
            tally["stopped by the insert"] += bool(refused) and refused[0].startswith(SECOND_WORDS[0])
            told = len(refused) == 1 and refused[0].startswith(SECOND_WORDS)
            if errors or len(landed) != 1 or shipped != landed[0] or not told:
                failures.append((results, shipped))
            db.session.remove()
    with capsys.disabled():
        print(
            f"\n  two shipments at once, {ROUNDS} rounds on {app.config['SQLALCHEMY_DATABASE_URI'][:10]}: {tally}"
        )
    assert failures == []
