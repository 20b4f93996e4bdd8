"""What a buyer reads about decisions: why a design came back, and who approved each version."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Role
from app.services import reviews
from tests.app.factories import DesignFactory, StaffFactory, UserFactory, ready_proof
from tests.app.journeys import csrf, submit

REASON = "The logo is too small to print well <b>here</b>; see https://example.com/" + "a" * 80


def _logout(browser) -> None:
    browser.client.post("/logout", data={"csrf_token": browser.token()})


def _text(html: str) -> str:
    """The words of a page as a person reads them: tags gone, entities and spaces normalised."""
    words = re.sub(r"<[^>]+>", " ", html)
    words = words.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&amp;", "&")
    return " ".join(words.split())


def test_buyer_reads_who_sent_the_design_back_when_and_why_where_they_land(browser, app):
    design = DesignFactory(name="Welcome box")
    proof = ready_proof(design)
    browser.login(StaffFactory().email)
    sent = browser.post(
        f"/proofs/{proof.id}/decision", {"version": 1, "decision": "request_changes", "comment": REASON}
    )
    assert sent.status_code == 302
    _logout(browser)

    browser.login(design.created_by.email)
    said = "Gifts of Hope staff asked for changes to proof v1 on "
    pages = {
        "design list": "/designs",
        "design page": f"/designs/{design.id}",
        "review page": f"/designs/{design.id}/review",
        "wizard, first step": f"/designs/{design.id}/edit/contents",
        "wizard, review step": f"/designs/{design.id}/edit/review",
    }
    for where, url in pages.items():
        page = browser.get(url)
        assert page.status_code == 200, where
        text = _text(page.text)
        assert said in text, where
        assert REASON[:40] in text, where  # the list shortens a long reason; the others show it all
        assert "<b>here</b>" not in page.text, where  # plain text, never markup
    assert REASON in _text(browser.get(f"/designs/{design.id}").text)

    # Once the buyer submits again, the new proof is what the pages are about.
    assert submit(browser, design.id).status_code == 302
    assert said not in _text(browser.get(f"/designs/{design.id}").text)
    assert said not in _text(browser.get("/designs").text)


def test_a_buyer_asking_for_changes_reads_that_they_did(browser, app):
    design = DesignFactory()
    proof = ready_proof(design)
    reviews.decide(design.created_by, proof, 1, "request_changes", "Warmer message, please")
    browser.login(design.created_by.email)
    text = _text(browser.get(f"/designs/{design.id}").text)
    assert "You asked for changes to proof v1 on " in text and "Warmer message, please" in text


def test_a_guest_approval_names_the_guest_never_you(browser, app):
    design = DesignFactory(name="Team gift")
    proof = ready_proof(design)
    browser.login(design.created_by.email)
    made = browser.post(f"/proofs/{proof.id}/share-links", {"days": 3, "can_approve": "y"})
    token = re.search(r'id="new-link-url"[^>]*value="[^"]*/r/([^"]+)"', browser.get(made.location).text)[1]
    guest = app.test_client()
    form = guest.get(f"/r/{token}")
    approved = guest.post(
        f"/r/{token}/approve",
        data={"csrf_token": csrf(form.text), "name": "Jane Doe", "email": "jane@example.org"},
    )
    assert approved.status_code == 302
    db.session.expire_all()
    assert reviews.approvals(proof) == {"buyer"}

    page = _text(browser.get(f"/designs/{design.id}/review").text)
    assert "You approved" not in page and "Approved by you" not in page
    assert re.search(
        r"Approved by Jane Doe \(guest, jane@example\.org\) on \d\d \w{3} \d{4}, \d\d:\d\d UTC", page
    )
    assert "approved by Jane Doe (guest, jane@example.org)" in page  # the version history too

    _logout(browser)
    browser.login(StaffFactory().email)
    staff_page = _text(browser.get(f"/designs/{design.id}/review").text)
    assert "Approved by Jane Doe (guest, jane@example.org) on " in staff_page
    assert "Waiting for your check" in staff_page


def test_each_person_reads_who_approved_in_their_own_words(browser, app):
    design = DesignFactory()
    approver = UserFactory(organisation=design.organisation, role=Role.APPROVER, display_name="Sam Lee")
    staff = StaffFactory(display_name="Pat Staff")
    proof = ready_proof(design)
    reviews.decide(approver, proof, 1, "approve", "")

    browser.login(design.created_by.email)
    buyer_page = _text(browser.get(f"/designs/{design.id}/review").text)
    assert "Approved by Sam Lee (approver) on " in buyer_page
    assert "You approved" not in buyer_page
    _logout(browser)

    browser.login(approver.email)
    assert "Approved by you on " in _text(browser.get(f"/designs/{design.id}/review").text)
    _logout(browser)

    reviews.decide(staff, proof, 1, "approve", "")
    browser.login(staff.email)
    staff_page = _text(browser.get(f"/designs/{design.id}/review").text)
    assert "Approved by Sam Lee (approver) on " in staff_page
    assert "Print details checked by you on " in staff_page
    _logout(browser)

    browser.login(design.created_by.email)
    buyer_page = _text(browser.get(f"/designs/{design.id}/review").text)
    assert "Print details checked by Gifts of Hope staff on " in buyer_page
    assert "Pat Staff" not in buyer_page


def test_an_approval_waiting_for_the_approver_names_who_gave_it(browser, app):
    from decimal import Decimal

    design = DesignFactory()
    design.organisation.approval_threshold = Decimal("1.00")
    colleague = UserFactory(organisation=design.organisation, display_name="Kim Colleague")
    db.session.commit()
    proof = ready_proof(design)
    reviews.decide(colleague, proof, 1, "approve", "")
    browser.login(design.created_by.email)
    page = _text(browser.get(f"/designs/{design.id}/review").text)
    assert "Approved by Kim Colleague (buyer) on " in page
    assert "Waiting for your approver" in page
