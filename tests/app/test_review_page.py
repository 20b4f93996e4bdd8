"""The review page objects: who may decide on a proof, and in plain words why not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Role
from app.services import reviews, share_links
from app.services.errors import Conflict, NotFound
from app.services.reviews import Closed
from app.services.reviews.page import ALREADY, NO_PROOF
from tests.app.factories import DesignFactory, StaffFactory, UserFactory, ready_proof


@pytest.fixture
def waiting(app):
    """A submitted design whose proof v1 is ready and waits for both sides."""
    design = DesignFactory(name="Welcome box")
    return design, ready_proof(design)


def test_both_sides_may_decide_on_an_open_proof(waiting):
    design, _proof = waiting
    buyer_page = reviews.review_page(design.id, design.created_by)
    staff_page = reviews.review_page(design.id, StaffFactory())
    for page in (buyer_page, staff_page):
        assert page.decision.allowed and page.decision.why_not == "" and page.decision.counts
        assert page.shown is not None and page.shown.is_latest and page.shown.approvals == frozenset()
    assert buyer_page.links == () and buyer_page.preflight == () and buyer_page.logo is None
    assert staff_page.standing.tone == "wait"  # the buyer has not approved yet


def test_above_the_threshold_a_buyer_decides_but_only_the_approver_counts(waiting):
    design, _proof = waiting
    design.organisation.approval_threshold = Decimal("1.00")
    db.session.commit()
    approver = UserFactory(organisation=design.organisation, role=Role.APPROVER)
    buyer = reviews.review_page(design.id, design.created_by)
    assert buyer.decision.allowed and not buyer.decision.counts
    assert buyer.shown is not None and buyer.shown.needs_approver
    assert reviews.review_page(design.id, approver).decision.counts


def test_after_a_side_approved_nobody_else_on_it_gets_the_buttons(waiting):
    design, proof = waiting
    colleague = UserFactory(organisation=design.organisation)
    staff = StaffFactory()
    reviews.decide(design.created_by, proof, 1, "approve", "")
    assert reviews.review_page(design.id, design.created_by).decision.why_not == ALREADY["me"]
    assert reviews.review_page(design.id, colleague).decision.why_not == ALREADY["buyer"]
    assert reviews.review_page(design.id, staff).decision.allowed


def test_a_closed_proof_says_why_to_everyone(waiting):
    design, proof = waiting
    staff = StaffFactory()
    reviews.decide(staff, proof, 1, "request_changes", "The ribbon, please")
    for viewer in (design.created_by, staff):
        assert reviews.review_page(design.id, viewer).decision.why_not == Closed.REOPENED.text
    with pytest.raises(Conflict, match="open for editing again; your approval was not recorded"):
        reviews.decide(design.created_by, proof, 1, "approve", "")

    ready_proof(design)
    old = reviews.review_page(design.id, design.created_by, version=1)
    assert old.shown is not None and not old.shown.is_latest
    assert old.decision.why_not == Closed.NOT_LATEST.text


def test_an_ordered_design_and_a_proof_being_drawn_are_not_open(waiting):
    design, proof = waiting
    reviews.decide(design.created_by, proof, 1, "approve", "")
    reviews.decide(StaffFactory(), proof, 1, "approve", "")
    assert reviews.why_closed(proof) is Closed.ORDERED
    assert reviews.review_page(design.id, design.created_by).decision.why_not == Closed.ORDERED.text

    drawing = DesignFactory(created_by=design.created_by)
    ready_proof(drawing).status = "rendering"
    db.session.commit()
    assert reviews.review_page(drawing.id, design.created_by).decision.why_not == Closed.NOT_WAITING.text


def test_a_design_without_a_proof_has_nothing_to_decide(app):
    design = DesignFactory()
    page = reviews.review_page(design.id, design.created_by)
    assert page.shown is None and page.proof is None and page.decision.why_not == NO_PROOF


def test_another_organisation_gets_not_found(waiting):
    design, _proof = waiting
    with pytest.raises(NotFound):
        reviews.review_page(design.id, UserFactory())
    with pytest.raises(NotFound):
        reviews.review_page(design.id, design.created_by, version=9)


def test_a_guest_may_approve_an_open_proof_and_the_link_says_whether_it_counts(waiting):
    design, proof = waiting
    counting = share_links.create(design.created_by, proof, days=3, recipient="", can_approve=True)
    advising = share_links.create(design.created_by, proof, days=3, recipient="", can_approve=False)
    page = reviews.guest_review_page(counting.token)
    assert page.decision.allowed and page.decision.counts and not page.superseded
    assert page.proof.id == proof.id and page.link.id == counting.link.id
    advice = reviews.guest_review_page(advising.token)
    assert advice.decision.allowed and not advice.decision.counts


def test_a_guest_on_a_superseded_version_cannot_approve(waiting):
    design, proof = waiting
    new = share_links.create(design.created_by, proof, days=3, recipient="", can_approve=True)
    design.status = "draft"
    db.session.commit()
    ready_proof(design)
    page = reviews.guest_review_page(new.token)
    assert page.superseded and page.closed is Closed.NOT_LATEST
    assert not page.decision.allowed and page.decision.why_not == Closed.NOT_LATEST.text


def test_an_unknown_or_withdrawn_link_opens_no_page(waiting):
    design, proof = waiting
    new = share_links.create(design.created_by, proof, days=3, recipient="", can_approve=True)
    share_links.revoke(design.created_by, new.link)
    with pytest.raises(share_links.LinkClosed):
        reviews.guest_review_page(new.token)
    with pytest.raises(NotFound):
        reviews.guest_review_page("no-such-token")
