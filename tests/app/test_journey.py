"""The whole path through the Flask test client: classic box -> proof -> approvals -> order -> maker."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Design, Order, ProductionJob, Proof
from tests.app.factories import MakerFactory, StaffFactory, UserFactory
from tests.app.journeys import latest_proof, revision, set_quantity, start_classic, submit, write_card


def test_buyer_to_maker_journey(browser, client):
    buyer = UserFactory()
    staff = StaffFactory()
    maker = MakerFactory()

    browser.login(buyer.email)
    index = browser.get("/designs/new")
    assert "Warm Welcome" in index.text and "Cosy Winter" in index.text

    design_id = start_classic(browser)
    assert write_card(browser, design_id, "Welcome to the team!\nWe are glad you're here.").status_code == 302
    assert set_quantity(browser, design_id, 25).status_code == 302
    response = submit(browser, design_id)
    assert response.status_code == 302

    # Eager Celery in these tests: the proof rendered in its own app context after commit.
    proof = latest_proof(design_id)
    assert (proof.version, proof.status) == (1, "ready"), proof.failure_reason
    status = browser.get(f"/designs/{design_id}/status.json").get_json()
    assert status["proof"]["status"] == "ready"
    png = browser.get(status["proof"]["png"])
    assert png.mimetype == "image/png"
    assert Image.open(io.BytesIO(png.data)).size == (1600, 1200)
    pdf = browser.get(status["proof"]["pdf"])
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    page = browser.get(f"/designs/{design_id}")
    assert "Review and approve proof v1" in page.text
    assert "Approve" in browser.get(f"/designs/{design_id}/review").text
    assert (
        browser.post(f"/proofs/{proof.id}/decision", {"version": 1, "decision": "approve"}).status_code == 302
    )

    client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(staff.email)
    dashboard = browser.get("/staff/")
    assert "Warm Welcome" in dashboard.text
    response = browser.post(f"/proofs/{proof.id}/decision", {"version": 1, "decision": "approve"})
    order = db.session.scalar(select(Order))
    assert order is not None and response.location.endswith(f"/orders/{order.id}")
    assert order.status == "confirmed" and order.quote["boxes"] == 25
    titles = [j.title for j in order.jobs]
    assert "Make 25 stitched journal, navy" in titles and "Assemble and pack 25 boxes" in titles

    client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(maker.email)
    board = browser.get("/board")
    assert "Make 25 stitched journal, navy" in board.text
    assert buyer.email not in board.text and buyer.organisation.name not in board.text
    browser.post("/board/claim")
    db.session.expire_all()
    job = db.session.scalar(select(ProductionJob).where(ProductionJob.maker_id == maker.id))
    started = browser.post(f"/board/jobs/{job.id}/start", {"token": job.claim_token}, follow_redirects=True)
    assert "Working" in started.text, started.text
    browser.post(f"/board/jobs/{job.id}/finish", {"token": job.claim_token, "quantity_done": job.quantity})
    db.session.expire_all()
    assert db.session.get(ProductionJob, job.id).status == "done"
    assert db.session.get(Order, order.id).status == "in_production"

    client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(staff.email)
    progress = browser.get(f"/orders/{order.id}", follow_redirects=True)
    assert "In Production" in progress.text or "in production" in progress.text.lower()
    assert maker.display_name in progress.text  # staff see the pseudonym of who made it

    client.post("/logout", data={"csrf_token": browser.token()})
    browser.login(buyer.email)
    mine = browser.get(f"/orders/{order.id}")
    assert (
        'milestone-current"><span class="dot" aria-hidden="true"></span><strong>Makers at work' in mine.text
    )
    assert maker.display_name not in mine.text  # buyers never see makers, only hours
    assert "hours of paid maker work" in mine.text
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert events >= 6


def test_double_submit_makes_one_proof(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    write_card(browser, design_id, "Thank you!")
    rev = revision(design_id)
    first = submit(browser, design_id, rev)
    second = submit(browser, design_id, rev)  # the same form, clicked twice
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Proof)) == 1


def test_stale_tab_cannot_overwrite(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    old_revision = revision(design_id)
    write_card(browser, design_id, "Saved in tab one")
    response = browser.post(
        f"/designs/{design_id}/edit/message",
        {
            "revision": old_revision,
            "message": "Stale tab two",
            "card_style": "classic",
            "card_size": "5x7",
            "nav": "save",
        },
        follow_redirects=True,
    )
    assert "changed in another tab" in response.text
    db.session.expire_all()
    assert db.session.get(Design, design_id).spec["message"] == "Saved in tab one"


def test_bad_messages_are_explained_and_lose_nothing(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    write_card(browser, design_id, "Kept safe")

    long = write_card(browser, design_id, "x" * 10_000)
    assert long.status_code == 422 and "9600 characters too long" in long.text
    db.session.expire_all()
    assert db.session.get(Design, design_id).spec["message"] == "Kept safe"

    blank = write_card(browser, design_id, "   \n\t ")
    assert blank.status_code == 302  # a draft may be blank for now...
    refused = submit(browser, design_id)
    assert refused.status_code == 422 and "message" in refused.text.lower()  # ...but cannot be submitted
    assert db.session.scalar(select(func.count()).select_from(Proof)) == 0

    few = set_quantity(browser, design_id, 3)
    assert few.status_code == 422 and "between 10 and 5000" in few.text


def test_wrong_password_gets_a_clear_message(browser, client):
    user = UserFactory()
    page = client.get("/login")
    from tests.app.journeys import csrf

    response = client.post(
        "/login", data={"email": user.email, "password": "nope", "csrf_token": csrf(page.text)}
    )
    assert response.status_code == 200 and "do not match" in response.text


def test_login_redirects_only_to_our_pages(app):
    from tests.app.factories import PASSWORD
    from tests.app.journeys import csrf

    user = UserFactory()
    for target, expected in [
        ("https://evil.example/x", "/designs"),
        ("//evil.example/x", "/designs"),
        ("/\\evil.example", "/designs"),
        ("/orders", "/orders"),
    ]:
        client = app.test_client()
        page = client.get(f"/login?next={target}")
        response = client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "next": target, "csrf_token": csrf(page.text)},
        )
        assert response.location == expected, target


def test_expired_session_asks_to_log_in(client):
    response = client.get("/designs")
    assert response.status_code == 302 and "/login" in response.location


def test_form_without_csrf_changes_nothing(browser, client):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    response = client.post(
        f"/designs/{design_id}/edit/message",
        data={"revision": 1, "message": "no token", "nav": "save"},
        follow_redirects=True,
    )
    assert "expired" in response.text
    db.session.expire_all()
    assert db.session.get(Design, design_id).spec["message"] == ""


def test_approving_an_old_version_is_refused(browser):
    buyer = UserFactory()
    browser.login(buyer.email)
    design_id = start_classic(browser)
    write_card(browser, design_id, "v1")
    submit(browser, design_id)
    v1 = latest_proof(design_id)
    browser.post(
        f"/proofs/{v1.id}/decision", {"version": 1, "decision": "request_changes", "comment": "Bigger logo"}
    )
    write_card(browser, design_id, "v2")
    submit(browser, design_id)
    v2 = latest_proof(design_id)
    assert v2.version == 2
    response = browser.post(
        f"/proofs/{v1.id}/decision", {"version": 1, "decision": "approve"}, follow_redirects=True
    )
    assert "the latest is v2" in response.text


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    body = response.get_json()
    assert body["database"] == "ok" and body["broker"] == "ok" and response.status_code == 200
