"""Share links: a colleague without an account views, comments on and approves one proof version."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Order, Review, utcnow
from app.models.review import Comment, GuestReview, ShareLink
from app.services import reviews, share_links
from tests.app.factories import DesignFactory, StaffFactory, UserFactory, ready_proof
from tests.app.journeys import csrf


@pytest.fixture
def shared(browser, app):
    """A buyer shares proof v2 of a design (v1 exists too) and reads the link off the page once."""
    design = DesignFactory(name="Team gift")
    v1 = ready_proof(design, message="First try")
    design.status = "draft"
    db.session.commit()
    v2 = ready_proof(design, message="Second try")
    browser.login(design.created_by.email)
    response = browser.post(f"/proofs/{v2.id}/share-links", {"recipient": "Priya in Finance", "days": 7})
    assert response.status_code == 302
    page = browser.get(response.location)
    url = re.search(r'id="new-link-url"[^>]*value="([^"]+)"', page.text).group(1)
    assert "Copy it now" in page.text
    assert 'id="new-link-url"' not in browser.get(response.location).text  # shown once only
    token = url.rsplit("/r/", 1)[1]
    return design, v1, v2, token


def guest_post(app, token: str, action: str, **data: str):
    """A fresh, anonymous browser: open the link, then submit its form."""
    guest = app.test_client()
    page = guest.get(f"/r/{token}")
    return guest.post(f"/r/{token}/{action}", data={"csrf_token": csrf(page.text), **data})


def test_link_is_stored_hashed_and_shows_only_that_proof(app, shared):
    design, v1, v2, token = shared
    link = db.session.scalar(select(ShareLink))
    assert link.token_hash == share_links.hash_token(token) and token not in link.token_hash
    assert link.recipient == "Priya in Finance" and not link.can_approve

    guest = app.test_client()
    page = guest.get(f"/r/{token}")
    assert page.status_code == 200
    assert "Team gift" in page.text and "proof v2" in page.text
    assert page.headers["Cache-Control"] == "no-store" and "noindex" in page.headers["X-Robots-Tag"]
    assert f"/r/{token}/mockup.png" in page.text and f"/proofs/{v2.id}" not in page.text
    assert design.created_by.email not in page.text
    assert guest.get(f"/r/{token}/mockup.png").mimetype == "image/png"
    assert guest.get(f"/r/{token}/proof.pdf").mimetype == "application/pdf"
    # Nothing else opens with it: the account URLs still want a login.
    for url in (f"/proofs/{v1.id}/mockup.png", f"/designs/{design.id}/review", f"/designs/{design.id}"):
        assert guest.get(url).status_code == 302, url


def test_guest_comment_records_name_and_email(app, shared):
    _design, _v1, _v2, token = shared
    refused = guest_post(app, token, "comment", name="", email="not-an-email", body="Hi")
    assert (
        refused.status_code == 422
        and "Enter your name" in refused.text
        and "Enter your email" in refused.text
    )
    response = guest_post(
        app, token, "comment", name="Priya Shah", email="Priya@Example.com", body="<b>Lovely</b>"
    )
    assert response.status_code == 302
    comment = db.session.scalar(select(Comment))
    assert (comment.guest_name, comment.guest_email, comment.proof_version) == (
        "Priya Shah",
        "priya@example.com",
        2,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comment.added"))
    assert event.actor_role == "guest" and event.detail["guest_email"] == "priya@example.com"
    assert event.address == "127.0.0.1"
    page = app.test_client().get(f"/r/{token}")
    assert "&lt;b&gt;Lovely&lt;/b&gt;" in page.text and "Priya Shah" in page.text


def test_guest_approval_is_advice_unless_the_link_allows_more(app, shared):
    _design, _v1, v2, token = shared
    guest_post(app, token, "approve", name="Priya Shah", email="priya@example.com", body="Go for it")
    db.session.expire_all()
    review = db.session.scalar(select(Review))
    assert review.side == reviews.COLLEAGUE and reviews.approvals(v2) == set()
    guest = db.session.get(GuestReview, review.id)
    assert (guest.name, guest.email) == ("Priya Shah", "priya@example.com")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "proof.approve"))
    assert event.actor_role == "guest" and event.detail["version"] == 2 and not event.detail["counts"]


def test_guest_with_approval_rights_completes_the_order(browser, app, shared):
    _design, _v1, v2, _token = shared
    response = browser.post(f"/proofs/{v2.id}/share-links", {"days": 3, "can_approve": "y"})
    page = browser.get(response.location)
    token = re.search(r'id="new-link-url"[^>]*value="[^"]*/r/([^"]+)"', page.text).group(1)
    reviews.decide(StaffFactory(), v2, 2, "approve", "")
    guest_post(app, token, "approve", name="Priya Shah", email="priya@example.com")
    order = db.session.scalar(select(Order))
    assert order is not None and order.proof_id == v2.id
    record = reviews.approval_record(order)
    assert any("priya@example.com" in d["who"] for d in record["decisions"])


def test_old_version_link_cannot_approve(app, shared):
    design, v1, _v2, _token = shared
    new = share_links.create(design.created_by, v1, days=2, recipient="", can_approve=True)
    page = app.test_client().get(f"/r/{new.token}")
    assert "A newer version of this design exists" in page.text and "Approve proof v1" not in page.text
    response = guest_post(app, new.token, "approve", name="A", email="a@example.com")
    assert response.status_code == 302
    assert (
        db.session.scalar(select(Review).where(Review.proof_id == v1.id, Review.decision == "approve"))
        is None
    )


def test_revoked_expired_and_unknown_links_get_a_clear_page(browser, app, shared):
    design, _v1, _v2, token = shared
    link = db.session.scalar(select(ShareLink))
    browser.post(f"/share-links/{link.id}/revoke")
    guest = app.test_client()
    gone = guest.get(f"/r/{token}")
    assert gone.status_code == 410 and "This link was withdrawn" in gone.text
    assert guest.get(f"/r/{token}/mockup.png").status_code == 410

    other = share_links.create(design.created_by, link.proof, days=1, recipient="", can_approve=False)
    other.link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = guest.get(f"/r/{other.token}")
    assert expired.status_code == 410 and "This link has expired" in expired.text
    unknown = guest.get("/r/not-a-real-token")
    assert unknown.status_code == 404 and "This link does not work" in unknown.text


def test_other_organisation_cannot_revoke_or_share(browser, app, shared):
    _design, _v1, v2, _token = shared
    link = db.session.scalar(select(ShareLink))
    browser.client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(UserFactory().email)
    assert browser.post(f"/share-links/{link.id}/revoke").status_code == 404
    assert browser.post(f"/proofs/{v2.id}/share-links", {"days": 7}).status_code == 404
    db.session.expire_all()
    assert db.session.get(ShareLink, link.id).revoked_at is None


def test_staff_cannot_create_links(browser, app, shared):
    _design, _v1, v2, _token = shared
    browser.client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(StaffFactory().email)
    assert browser.post(f"/proofs/{v2.id}/share-links", {"days": 7}).status_code == 403


def test_review_link_pages_are_limited_per_address(app, shared):
    *_, token = shared
    assert app.config["RATELIMIT_GUEST_LINK"] == "120 per minute"
    app.config["RATELIMIT_GUEST_LINK"] = "3 per minute"  # the same rule, fewer requests
    guest = app.test_client()
    statuses = [guest.get(url).status_code for url in (f"/r/{token}", f"/r/{token}/mockup.png", "/r/wrong")]
    assert statuses == [200, 200, 404]
    refused = guest.get(f"/r/{token}")
    assert refused.status_code == 429
    assert "Please wait a minute and try again." in refused.text
    other = app.test_client().get(f"/r/{token}", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 200


def test_a_colleague_at_the_organisations_own_domain_can_respond(app, shared):
    """colleague@acme.test was refused (a reserved .test domain) under a banner about the name."""
    *_, token = shared
    response = guest_post(app, token, "comment", name="Colleague", email="Colleague@Acme.test", body="Nice")
    assert response.status_code == 302
    assert db.session.scalar(select(Comment)).guest_email == "colleague@acme.test"


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("colleague@acme", "It should have a period."),
        ("colleague@@acme.test", "invalid characters"),
        ("colleague@acme.invalid", "special-use or reserved name"),
    ],
)
def test_a_wrong_email_is_explained_at_the_email_field_only(app, shared, email, reason):
    *_, token = shared
    refused = guest_post(app, token, "comment", name="Colleague", email=email, body="Nice")
    assert refused.status_code == 422
    at_field = re.search(r'<p class="error" id="email-error">([^<]+)</p>', refused.text)
    assert at_field and "such as name@example.com" in at_field.group(1) and reason in at_field.group(1)
    assert 'id="name-error"' not in refused.text
    assert "who you are" not in refused.text
    assert 'value="Colleague"' in refused.text and "Nice</textarea>" in refused.text  # nothing lost
