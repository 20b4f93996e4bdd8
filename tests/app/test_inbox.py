"""Each person's home page starts with what waits for them; never another organisation's things."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Role
from app.services import production, reviews
from app.services.design_list import design_list
from app.services.inbox import inbox_for
from tests.app.factories import (
    DesignFactory,
    MakerFactory,
    OrganisationFactory,
    ProductionJobFactory,
    StaffFactory,
    UserFactory,
    make_order,
    ready_proof,
)
from tests.app.journeys import Browser
from tests.app.test_design_list import counted


@pytest.fixture
def links(app):
    """Items carry links: build them as a request would."""
    with app.test_request_context():
        yield


def _waiting(buyer) -> None:
    """One proof to review and one design sent back, in ``buyer``'s organisation."""
    ready_proof(DesignFactory(created_by=buyer, name="To review", status="submitted"))
    back = DesignFactory(created_by=buyer, name="Came back", status="submitted")
    reviews.decide(StaffFactory(), ready_proof(back), 1, "request_changes", "The logo is blurry")


def test_a_buyer_sees_proofs_to_review_and_designs_sent_back_with_the_reason(app, links):
    buyer = UserFactory()
    _waiting(buyer)
    items = {item.kind: item for item in inbox_for(buyer).items}
    assert set(items) == {"review", "sent_back"}
    assert "To review" in items["review"].title and items["review"].url.startswith("/designs/")
    assert "Sent back to you: The logo is blurry" in items["sent_back"].title


def test_above_the_limit_the_approver_is_asked_and_the_buyer_is_told_why(app, links):
    organisation = OrganisationFactory(approval_threshold=Decimal("1"))
    buyer = UserFactory(organisation=organisation)
    approver = UserFactory(organisation=organisation, role=Role.APPROVER)
    ready_proof(DesignFactory(created_by=buyer, name="Big one", status="submitted"))
    (mine,) = inbox_for(approver).items
    assert mine.kind == "approve" and "only an approver" in mine.why
    (theirs,) = inbox_for(buyer).items
    assert theirs.kind == "review" and "need your approver" in theirs.why


def test_nobody_sees_another_organisations_items_and_makers_have_no_inbox(app, links):
    _waiting(UserFactory())
    assert not inbox_for(UserFactory())
    assert not inbox_for(MakerFactory())


def test_staff_see_proofs_to_check_problems_and_orders_at_risk(app, links):
    buyer = UserFactory()
    proof = ready_proof(DesignFactory(created_by=buyer, name="Check me", status="submitted"))
    reviews.decide(buyer, proof, 1, "approve", "")
    order = make_order()
    ProductionJobFactory(order=order, status="problem", problem="Thread ran out")
    kinds = {item.kind: item for item in inbox_for(StaffFactory()).items}
    assert "Check me" in kinds["check"].title
    assert "waiting for your check" in kinds["check"].why
    assert "Thread ran out" in kinds["problem"].why


def test_the_inbox_costs_the_same_queries_for_two_items_as_for_twenty(app, links):
    buyer, staff = UserFactory(), StaffFactory()
    _waiting(buyer)
    ProductionJobFactory(order=make_order(), status="problem", problem="Snag")
    db.session.expire_all()
    with counted() as few:
        assert len(inbox_for(buyer).items) == 2
        inbox_for(staff)
    for _ in range(9):
        _waiting(buyer)
        ProductionJobFactory(order=make_order(), status="problem", problem="Snag")
    db.session.expire_all()
    with counted() as many:
        assert len(inbox_for(buyer).items) == 20
        staff_items = inbox_for(staff).items
    assert sum(item.kind == "problem" for item in staff_items) >= 10
    assert len(many) == len(few), many


def test_the_home_pages_start_with_the_inbox(app, client):
    buyer = UserFactory()
    _waiting(buyer)
    browser = Browser(client)
    browser.login(buyer.email)
    page = browser.get("/designs").text
    assert page.index("Waiting for you") < page.index("Your organisation's designs")
    assert "The logo is blurry" in page


def test_the_design_list_feeds_the_inbox_the_designs_it_loaded_and_a_filtered_list_still_shows_all(
    app, client, links
):
    buyer = UserFactory()
    _waiting(buyer)
    DesignFactory(created_by=buyer, name="Archived one", status="submitted", archived_at=datetime(2026, 1, 1))
    page = design_list(buyer)
    assert page.every_current is not None
    assert inbox_for(buyer, page.every_current) == inbox_for(buyer)
    assert design_list(buyer, chosen="draft").every_current is None  # a filtered page cannot vouch for all
    assert design_list(buyer, search="review").every_current is None
    browser = Browser(client)
    browser.login(buyer.email)
    filtered = browser.get("/designs?show=approved").text
    assert "The logo is blurry" in filtered and "To review" in filtered


def test_staff_see_the_orders_the_plan_puts_at_risk(app, links):
    staff = StaffFactory()
    production.save_weekdays(staff, [60, 60, 60, 60, 60, 0, 0])  # one maker hour a day
    risky = make_order(quantity=50, needed_by=date.today() + timedelta(days=10))
    make_order(quantity=10, needed_by=date.today() + timedelta(days=3650))
    (item,) = [i for i in inbox_for(staff).items if i.kind == "at_risk"]
    assert risky.reference in item.title and item.url == f"/staff/orders/{risky.id}"
    assert "hours of work left" in item.why
