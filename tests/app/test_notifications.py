"""Notifications: outbox rows in the event's transaction, delivered over real SMTP (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from app.extensions import db
from app.models import Order, utcnow
from app.models.outbox import OutboxMessage
from app.services import notifications, orders, reviews
from tests.app.factories import DesignFactory, StaffFactory, ready_proof


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app) -> Iterator[tuple[Inbox, Controller]]:
    """A real SMTP server on localhost, and the app pointed at it (plain SMTP, no login)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False, SMTP_TIMEOUT=5)
    yield inbox, controller
    controller.stop()


def test_proof_ready_email_goes_out_over_smtp(app, smtp):
    inbox, _controller = smtp
    design = DesignFactory(name="Welcome box")
    proof = ready_proof(design, real=True)  # the render commits the "proof ready" email with the proof
    [queued] = db.session.scalars(select(OutboxMessage)).all()
    assert queued.status == "pending" and queued.event == "proof_ready"

    assert notifications.send_pending() == 1
    [message] = inbox.messages
    assert message["To"] == design.created_by.email
    assert message["Subject"] == "Proof v1 of “Welcome box” is ready to review"
    assert message["Message-ID"] == queued.message_id
    body = message.get_content()
    assert (
        f"http://localhost/designs/{design.id}/review?v=1" in body and design.created_by.display_name in body
    )
    db.session.expire_all()
    assert db.session.get(OutboxMessage, queued.id).status == "sent"
    assert notifications.send_pending() == 0 and len(inbox.messages) == 1  # nothing sent twice
    assert proof.status == "ready"


def test_smtp_outage_delays_mail_and_loses_none(app):
    design = DesignFactory()
    proof = ready_proof(design)
    notifications.notify("proof_ready", proof_id=proof.id)
    notifications.notify("proof_ready", proof_id=proof.id)  # a duplicate delivery queues nothing new
    db.session.commit()
    port = free_port()  # nobody listens here yet
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False, SMTP_TIMEOUT=2)

    assert notifications.send_pending() == 0
    [message] = db.session.scalars(select(OutboxMessage)).all()
    db.session.refresh(message)
    assert message.status == "pending" and message.attempts == 1
    assert message.last_error and message.next_attempt_at > utcnow()
    assert notifications.send_pending() == 0  # backing off: not due yet, not retried
    db.session.refresh(message)
    assert message.attempts == 1

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        message.next_attempt_at = utcnow() - timedelta(seconds=1)  # the backoff has passed
        db.session.commit()
        from app.tasks import send_outbox

        assert send_outbox.apply().get() == 1  # the periodic Celery task
    finally:
        controller.stop()
    assert [m["To"] for m in inbox.messages] == [design.created_by.email]
    db.session.refresh(message)
    assert message.status == "sent" and message.attempts == 2 and message.last_error is None


def test_backoff_grows_and_is_capped():
    delays = [notifications.backoff(n).total_seconds() for n in (1, 2, 3, 10, 50)]
    assert delays == [30, 60, 120, 3600, 3600]


def test_too_many_failures_marks_failed_but_keeps_the_message(app):
    design = DesignFactory()
    proof = ready_proof(design)
    notifications.notify("proof_ready", proof_id=proof.id)
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    message.attempts = notifications.MAX_ATTEMPTS - 1
    db.session.commit()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False, SMTP_TIMEOUT=2)
    notifications.send_pending()
    db.session.refresh(message)
    assert message.status == "failed" and message.body


def test_decisions_and_orders_send_the_right_emails(app, smtp):
    inbox, _controller = smtp
    design = DesignFactory(name="Thank-you box")
    proof = ready_proof(design)
    staff = StaffFactory()
    reviews.decide(staff, proof, 1, "request_changes", "Please pick a lighter tissue paper")
    proof2 = ready_proof(design, tissue_colour="white")
    reviews.decide(staff, proof2, 2, "approve", "")
    reviews.decide(design.created_by, proof2, 2, "approve", "")
    order = db.session.scalar(select(Order))
    orders.advance(order, "start_production", staff)
    for action in ("send_to_qa", "pack", "ship"):
        orders.advance(order, action, staff)
    notifications.notify("shipped", order_id=order.id)
    db.session.commit()

    notifications.send_pending()
    subjects = [m["Subject"] for m in inbox.messages]
    assert subjects == [
        "Changes requested on “Thank-you box” (proof v1)",
        "Gifts of Hope staff approved proof v2 of “Thank-you box”",
        f"Order {order.reference} confirmed: “Thank-you box”",
        f"Order {order.reference} has shipped",
    ]
    assert all(m["To"] == design.created_by.email for m in inbox.messages)
    assert "Please pick a lighter tissue paper" in inbox.messages[0].get_content()
    assert f"/orders/{order.id}/approval-record.pdf" in inbox.messages[2].get_content()


def test_no_smtp_host_writes_files_and_staff_see_them(browser, app, tmp_path):
    app.config.update(SMTP_HOST="", MAIL_DIR=str(tmp_path / "mail"))
    design = DesignFactory(name="Café box")
    proof = ready_proof(design)
    notifications.notify("proof_ready", proof_id=proof.id)
    db.session.commit()
    assert notifications.send_pending() == 1
    [path] = list(Path(tmp_path / "mail").glob("*.eml"))
    written = email.message_from_bytes(path.read_bytes(), policy=default_policy)
    assert written["Subject"] == "Proof v1 of “Café box” is ready to review"

    browser.login(StaffFactory().email)
    page = browser.get("/dev/mail")
    assert page.status_code == 200 and "Café box" in page.text and path.name in page.text


def test_unknown_event_is_an_error(app):
    with pytest.raises(notifications.UnknownEvent):
        notifications.notify("birthday", proof_id=1)


def test_a_message_left_sending_by_a_crashed_sender_is_sent_again_with_the_same_message_id(app, smtp):
    inbox, _controller = smtp
    proof = ready_proof(DesignFactory())
    notifications.notify("proof_ready", proof_id=proof.id)
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    # A sender claims the message, hands it to the server, and dies before it can say so.
    crashed = notifications.LEASE.take(message.id)
    transport = notifications._transport()
    transport.send(message, notifications.build_email(message))
    transport.close()
    assert notifications.send_pending() == 0  # its lease is live: nobody else sends it yet

    lapsed = utcnow() - timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(lease_expires_at=lapsed, updated_at=lapsed)
    )
    db.session.commit()
    assert notifications.send_pending() == 1
    first, again = inbox.messages
    assert first["Message-ID"] == again["Message-ID"] == message.message_id  # the receiver can tell
    db.session.refresh(message)
    assert message.status == "sent" and message.lease_token is None
    # The crashed sender's late word changes nothing.
    assert not notifications._settle(message.id, crashed, "requeue")
    db.session.refresh(message)
    assert message.status == "sent"


def test_the_sending_lease_is_about_a_minute(app):
    assert 30 <= app.config["MAIL_LEASE_SECONDS"] <= 120
