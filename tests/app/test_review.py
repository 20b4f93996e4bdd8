"""The review page: versions, comparison, decisions, comments, the approval rule and the record."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Design, Order, Role
from app.models.outbox import OutboxMessage
from app.models.review import Comment
from app.services import reviews
from tests.app.factories import DesignFactory, StaffFactory, UserFactory, ready_proof


@pytest.fixture
def two_versions(app):
    """A design whose v1 got a change request and whose v2 waits for decisions."""
    design = DesignFactory(name="Welcome box")
    v1 = ready_proof(design, message="Welcome aboard!")
    reviews.decide(
        design.created_by, v1, 1, "request_changes", "Please use a red ribbon and a warmer message"
    )
    v2 = ready_proof(design, message="Welcome to the team, we are glad you are here", ribbon_colour="red")
    return design, v1, v2


def outbox(event: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event)))


def test_review_page_shows_the_latest_version_history_and_thread(browser, two_versions):
    design, _v1, v2 = two_versions
    browser.login(design.created_by.email)
    page = browser.get(f"/designs/{design.id}/review")
    assert page.status_code == 200
    text = page.text
    assert "Proof v2" in text and "Version history" in text
    assert f"/proofs/{v2.id}/mockup.png" in text and f"/proofs/{v2.id}/proof.pdf" in text
    assert "Compare with v1" in text
    assert "Please use a red ribbon" in text  # the thread carries the change request on v1
    assert "Waiting for your approval of proof v2" in text
    assert "data-zoom" in text and "<script>" not in text.split("</head>")[1]  # no inline script

    old = browser.get(f"/designs/{design.id}/review?v=1")
    assert "You are looking at an older version" in old.text and "Approve proof v1" not in old.text
    assert browser.get(f"/designs/{design.id}/review?v=9").status_code == 404


def test_approving_an_old_version_is_refused_with_a_message(browser, two_versions):
    design, v1, _v2 = two_versions
    browser.login(design.created_by.email)
    response = browser.post(
        f"/proofs/{v1.id}/decision", {"version": 1, "decision": "approve"}, follow_redirects=True
    )
    assert "the latest is v2" in response.text
    db.session.expire_all()
    assert reviews.approvals(db.session.get(type(v1), v1.id)) == set()


def test_comparison_lists_changes_in_words_and_highlights_the_picture(browser, two_versions):
    design, _v1, _v2 = two_versions
    browser.login(design.created_by.email)
    page = browser.get(f"/designs/{design.id}/compare?a=1&b=2")
    assert page.status_code == 200
    assert "Ribbon: Ivory → Cranberry red" in page.text or "Ribbon:" in page.text
    assert "Card message: “Welcome aboard!” → “Welcome to the team" in page.text
    assert "area" in page.text and "of the picture changed" in page.text
    png = browser.get(f"/designs/{design.id}/compare/v1-v2.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert Image.open(io.BytesIO(png.data)).size == (800, 600)
    # The order of the two versions does not matter.
    assert browser.get(f"/designs/{design.id}/compare?a=2&b=1").status_code == 302


def test_comments_are_plain_text_and_carry_the_version(browser, two_versions):
    design, _v1, _v2 = two_versions
    colleague = UserFactory(organisation=design.organisation)
    browser.login(colleague.email)
    hostile = '<script>alert("x")</script> **bold** <img src=x onerror=alert(1)>'
    response = browser.post(f"/designs/{design.id}/comments", {"version": 2, "body": hostile})
    assert response.status_code == 302
    page = browser.get(f"/designs/{design.id}/review")
    assert "&lt;script&gt;alert(" in page.text and "<img src=x" not in page.text
    comment = db.session.scalar(select(Comment))
    assert (comment.proof_version, comment.author_id) == (2, colleague.id)
    empty = browser.post(
        f"/designs/{design.id}/comments", {"version": 2, "body": "   "}, follow_redirects=True
    )
    assert "Write a comment first" in empty.text


def test_staff_sends_back_with_a_reason_the_buyer_reads(browser, client, app, monkeypatch):
    import app.services.branding as branding

    seen = []
    monkeypatch.setattr(
        branding, "preflight", lambda spec: seen.append(spec) or ["The logo will print at 96 DPI & look soft"]
    )
    design = DesignFactory()
    proof = ready_proof(design)
    staff = StaffFactory()
    browser.login(staff.email)
    queue = browser.get("/staff/review-queue")
    assert design.name in queue.text and "The logo will print at 96 DPI &amp; look soft" in queue.text
    assert seen and seen[0]["message"] == proof.spec["message"]
    assert "The logo will print at 96 DPI" in browser.get(f"/designs/{design.id}/review").text
    missing = browser.post(
        f"/proofs/{proof.id}/decision",
        {"version": 1, "decision": "request_changes", "comment": ""},
        follow_redirects=True,
    )
    assert "Please say what should change" in missing.text
    browser.post(
        f"/proofs/{proof.id}/decision",
        {"version": 1, "decision": "request_changes", "comment": "The logo is too small to print well"},
    )
    db.session.expire_all()
    assert db.session.get(Design, design.id).status == "draft"
    [mail] = outbox("changes_requested")
    assert mail.to_addr == design.created_by.email and "The logo is too small" in mail.body

    client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(design.created_by.email)
    page = browser.get(f"/designs/{design.id}/review")
    assert "The logo is too small to print well" in page.text and "Gifts of Hope staff" in page.text
    assert "Changes were requested" in page.text


def test_every_decision_is_audited_with_who_version_and_address(browser, app):
    design = DesignFactory()
    proof = ready_proof(design)
    browser.login(design.created_by.email)
    browser.post(f"/proofs/{proof.id}/decision", {"version": 1, "decision": "approve"})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "proof.approve"))
    assert event.actor_id == design.created_by.id and event.actor_role == "buyer"
    assert event.detail["version"] == 1 and event.detail["side"] == "buyer"
    assert event.address == "127.0.0.1"


def test_above_the_threshold_only_the_approver_approves_for_the_buyer(browser, client, app):
    design = DesignFactory()
    organisation = design.organisation
    organisation.approval_threshold = Decimal("100.00")
    approver = UserFactory(organisation=organisation, role=Role.APPROVER)
    db.session.commit()
    proof = ready_proof(design)
    assert reviews.proof_total(proof) > Decimal("100")

    browser.login(design.created_by.email)
    before = browser.get(f"/designs/{design.id}/review")
    assert "Approve and send to your approver" in before.text
    response = browser.post(
        f"/proofs/{proof.id}/decision", {"version": 1, "decision": "approve"}, follow_redirects=True
    )
    assert "waits for your approver" in response.text
    assert "You approved it. Waiting for your approver" in response.text
    db.session.expire_all()
    assert reviews.approvals(proof) == set()
    [mail] = outbox("approval_needed")
    assert mail.to_addr == approver.email and "$100.00" in mail.body

    client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(approver.email)
    page = browser.get(f"/designs/{design.id}/review")
    assert "Waiting for your approval: this order is above" in page.text
    browser.post(f"/proofs/{proof.id}/decision", {"version": 1, "decision": "approve"})
    db.session.expire_all()
    assert reviews.approvals(proof) == {"buyer"}

    reviews.decide(StaffFactory(), proof, 1, "approve", "")
    order = db.session.scalar(select(Order))
    assert order is not None and order.proof_id == proof.id
    assert len(outbox("order_confirmed")) == 1


def test_below_the_threshold_a_buyer_approves_alone(app):
    design = DesignFactory()
    design.organisation.approval_threshold = Decimal("1000000")
    db.session.commit()
    proof = ready_proof(design)
    reviews.decide(design.created_by, proof, 1, "approve", "")
    assert reviews.approvals(proof) == {"buyer"}


def test_only_the_organisation_admin_changes_the_rule(browser, client, app):
    buyer = UserFactory()
    approver = UserFactory(organisation=buyer.organisation, role=Role.APPROVER)
    admin = UserFactory(organisation=buyer.organisation, role=Role.ORGANISATION_ADMIN)
    for member in (buyer, approver):
        browser.login(member.email)
        moved = browser.get("/organisation/approvals")
        assert (
            moved.status_code == 301 and moved.headers["Location"] == "/organisation/settings#approval-rule"
        )
        assert browser.get("/organisation/settings").status_code == 403
        assert browser.post("/organisation/settings/approval-rule", {"threshold": "5"}).status_code == 403
        client.post("/logout", data={"csrf_token": browser.token()})
    db.session.expire_all()
    assert buyer.organisation.approval_threshold is None

    browser.login(admin.email)
    bad = browser.post("/organisation/settings/approval-rule", {"threshold": "lots"})
    assert bad.status_code == 422 and "Enter an amount" in bad.text
    old_form = browser.post("/organisation/approvals", {"threshold": "$2,500"})
    assert (
        old_form.status_code == 308 and old_form.headers["Location"] == "/organisation/settings/approval-rule"
    )
    browser.post("/organisation/settings/approval-rule", {"threshold": "$2,500"})
    db.session.expire_all()
    assert buyer.organisation.approval_threshold == Decimal("2500.00")
    assert "Orders above <strong>$2,500.00</strong>" in browser.get("/organisation/settings").text
    browser.post("/organisation/settings/approval-rule", {"threshold": ""})
    db.session.expire_all()
    assert buyer.organisation.approval_threshold is None
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "organisation.approval_threshold")
    ).all()
    assert [e.detail["after"] for e in audit] == ["2500.00", None]


def test_approval_record_pdf(browser, app):
    design = DesignFactory(name="Onboarding <b>box</b>")
    proof = ready_proof(design, real=True)
    reviews.decide(design.created_by, proof, 1, "approve", "Looks lovely")
    reviews.decide(StaffFactory(), proof, 1, "approve", "")
    order = db.session.scalar(select(Order))
    browser.login(design.created_by.email)
    response = browser.get(f"/orders/{order.id}/approval-record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert order.reference in text and "Onboarding <b>box</b>" in text
    assert design.created_by.email in text and "Looks lovely" in text and "proof.approve" in text


def test_other_organisations_get_404_on_every_review_url(browser, two_versions):
    design, _v1, v2 = two_versions
    reviews.decide(design.created_by, v2, 2, "approve", "")
    reviews.decide(StaffFactory(), v2, 2, "approve", "")
    order = db.session.scalar(select(Order))
    browser.login(UserFactory().email)  # a buyer of another organisation
    for url in (
        f"/designs/{design.id}/review",
        f"/designs/{design.id}/compare?a=1&b=2",
        f"/designs/{design.id}/compare/v1-v2.png",
        f"/orders/{order.id}/approval-record.pdf",
    ):
        assert browser.get(url).status_code == 404, url
    assert browser.post(f"/designs/{design.id}/comments", {"body": "hi"}).status_code == 404
    assert browser.post(f"/proofs/{v2.id}/share-links", {"days": 7}).status_code == 404
    assert browser.get("/staff/review-queue").status_code == 403
    assert browser.get("/dev/mail").status_code == 403
    assert db.session.scalar(select(Comment)) is None


def test_forms_without_csrf_change_nothing(client, app):
    design = DesignFactory()
    ready_proof(design)
    from tests.app.journeys import Browser

    Browser(client).login(design.created_by.email)
    client.post(f"/designs/{design.id}/comments", data={"body": "no token"})
    client.post("/organisation/settings/approval-rule", data={"threshold": "1"})
    assert db.session.scalar(select(Comment)) is None
    assert design.organisation.approval_threshold is None


def test_the_staff_queue_holds_the_latest_proof_of_each_submitted_design(app):
    resubmitted, waiting, draft = DesignFactory(), DesignFactory(), DesignFactory()
    ready_proof(resubmitted)
    newest = ready_proof(resubmitted)  # version 2 replaces version 1 in the queue
    waiting_proof = ready_proof(waiting)
    ready_proof(draft)
    draft.status = "draft"  # sent back: the buyer edits it again
    db.session.commit()
    assert [p.id for p in reviews.pending_staff_review()] == [newest.id, waiting_proof.id]
