"""Password reset by an e-mailed, expiring, single-use link, and changing a password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, PasswordReset, User, utcnow
from app.services import accounts
from app.services.errors import NotFound
from app.services.share_links import LinkClosed
from tests.app.factories import PASSWORD, PasswordResetFactory, UserFactory
from tests.app.journeys import Browser, csrf, link_in_mail, reset_password

NEW = "a brand new passphrase"


def _rows() -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count(PasswordReset.id))),
        db.session.scalar(select(func.count(OutboxMessage.id))),
    )


def _page_without_token(html: str) -> str:
    return html.replace(csrf(html), "") if 'name="csrf_token"' in html else html


def test_asking_shows_the_same_page_and_does_the_same_work_whether_or_not_the_address_has_an_account(app):
    user = UserFactory(email="known@example.test")
    answers = {}
    for email in ("known@example.test", "nobody@example.test"):
        before = _rows()
        response = reset_password(app.test_client(), email)
        after = _rows()
        assert response.status_code == 302 and response.headers["Location"] == "/password/forgot/sent"
        assert (after[0] - before[0], after[1] - before[1]) == (1, 1)  # one reset row, one email
        answers[email] = _page_without_token(app.test_client().get(response.headers["Location"]).text)
    assert answers["known@example.test"] == answers["nobody@example.test"]

    known = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == user.email))
    unknown = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == "nobody@example.test"))
    assert "/password/reset/" in known.body
    assert "/password/reset/" not in unknown.body and "no account uses it" in unknown.body
    assert known.subject == unknown.subject


def test_a_removed_member_gets_the_no_account_email(app):
    user = UserFactory(active=False)
    accounts.request_reset(user.email)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == user.email))
    assert "/password/reset/" not in message.body


def test_the_link_sets_a_new_password_once_and_ends_every_session(app):
    user = UserFactory()
    laptop = Browser(app.test_client())
    laptop.login(user.email)
    assert reset_password(app.test_client(), user.email.upper()).status_code == 302

    link = link_in_mail(user.email, "/password/reset/")
    fresh = app.test_client()
    page = fresh.get(link)
    assert page.status_code == 200 and "Choose a new password" in page.text
    short = fresh.post(link, data={"new_password": "short", "csrf_token": csrf(page.text)})
    assert short.status_code == 422 and "at least 10 characters" in short.text
    done = fresh.post(link, data={"new_password": NEW, "csrf_token": csrf(page.text)})
    assert done.status_code == 302 and done.headers["Location"] == "/designs"
    assert fresh.get("/designs").status_code == 200  # logged in on this device

    assert laptop.get("/designs").status_code == 302  # every earlier session ended
    again = app.test_client().get(link)
    assert again.status_code == 410 and "already been used" in again.text
    assert accounts.authenticate(user.email, PASSWORD) is None
    assert accounts.authenticate(user.email, NEW).id == user.id


def test_an_expired_or_made_up_link_sets_nothing(app):
    reset = PasswordResetFactory(token="old-token", expires_at=utcnow() - timedelta(seconds=1))
    with pytest.raises(LinkClosed, match="expired"):
        accounts.reset_password("old-token", NEW)
    with pytest.raises(NotFound):
        accounts.reset_password("made-up", NEW)
    with pytest.raises(NotFound):
        accounts.open_reset("x" * 500)
    assert accounts.authenticate(reset.user.email, PASSWORD) is not None


def test_a_new_password_spends_every_other_open_link(app):
    user = UserFactory()
    PasswordResetFactory(user=user, token="first")
    PasswordResetFactory(user=user, token="second")
    accounts.reset_password("first", NEW)
    with pytest.raises(LinkClosed):
        accounts.open_reset("second")
    PasswordResetFactory(user=user, token="third")
    accounts.change_password(db.session.get(User, user.id), NEW, "yet another passphrase")
    with pytest.raises(LinkClosed):
        accounts.open_reset("third")


def test_asking_is_limited_per_address_typed_whether_or_not_it_has_an_account(app):
    app.config["RATELIMIT_RESET_ACCOUNT"] = "3 per 15 minutes"
    for email in ("limited@example.test", "also-nobody@example.test"):
        UserFactory(email="limited@example.test") if email.startswith("limited") else None
        statuses = [reset_password(app.test_client(), email).status_code for _ in range(5)]
        assert statuses == [302, 302, 302, 429, 429], email
    refused = reset_password(app.test_client(), "also-nobody@example.test")
    assert "Too many requests. Try again in" in refused.text
    assert reset_password(app.test_client(), "someone-else@example.test").status_code == 302


def test_changing_the_password_needs_the_current_one_and_keeps_this_device_logged_in(app):
    user = UserFactory()
    here, there = Browser(app.test_client()), Browser(app.test_client())
    here.login(user.email)
    there.login(user.email)
    assert 'href="/account/password"' in here.get("/designs").text

    wrong = here.post("/account/password", {"current_password": "not it", "new_password": NEW})
    assert wrong.status_code == 422 and "This is not your current password" in wrong.text
    changed = here.post("/account/password", {"current_password": PASSWORD, "new_password": NEW})
    assert changed.status_code == 302
    assert here.get("/designs").status_code == 200
    assert there.get("/designs").status_code == 302


def test_wrong_current_passwords_are_limited_like_logins(app):
    user = UserFactory()
    browser = Browser(app.test_client())
    browser.login(user.email)
    statuses = [
        browser.post("/account/password", {"current_password": "guess", "new_password": NEW}).status_code
        for _ in range(12)
    ]
    assert statuses == [422] * 10 + [429] * 2


def test_a_one_time_link_leaves_by_smtp_and_its_text_is_not_kept_or_shown(app, browser):
    import email
    import socket
    from email.policy import default

    from aiosmtpd.controller import Controller

    from app.models import Role
    from app.services import notifications

    class Inbox:
        messages: list = []  # noqa: RUF012 - one inbox for this test

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(email.message_from_bytes(envelope.content, policy=default))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(
            SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False, SMTP_TIMEOUT=5
        )
        user = UserFactory()
        accounts.request_reset(user.email)
        staff = UserFactory(role=Role.STAFF, organisation=None)
        browser.login(staff.email)
        assert "/password/reset/" not in browser.get("/dev/mail").text  # staff never read the link
        assert notifications.send_pending() == 1
    finally:
        controller.stop()
    [sent] = inbox.messages
    assert "/password/reset/" in sent.get_content()
    db.session.expire_all()
    kept = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == user.email))
    assert kept.status == "sent" and "/password/reset/" not in kept.body
