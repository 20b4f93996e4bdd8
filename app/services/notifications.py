"""Email notifications through an outbox table.

``notify`` writes the messages into the caller's transaction, so an email exists exactly when
the event it tells about was committed. ``send_pending`` (a periodic Celery task) delivers
them over SMTP, or into ``MAIL_DIR`` when no SMTP server is configured. A failed attempt
leaves the message pending with a growing delay, so an SMTP outage delays mail and never
loses it; delivery is at least once, and every copy carries the same Message-ID. A sender
holds a short lease on the message it sends: if it crashes mid-send, the message is sent
again once the lease lapses (``MAIL_LEASE_SECONDS``), so a crash can repeat one email.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import tempfile
from datetime import UTC, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select, update

from app.extensions import db
from app.models import Design, Order, Proof, Shipment, User, utcnow
from app.models.outbox import OutboxMessage
from app.services import invoices, preferences
from app.services.leases import Lease
from configurator.states import MESSAGE
from configurator.tracking import tracking_url
from configurator.vocabulary import APPROVING_ROLES, NotificationKind, ReviewSide, Role

log = logging.getLogger(__name__)

EVENTS = tuple(kind for kind in NotificationKind if kind is not NotificationKind.PROOF_WAITING)
"""The events ``notify`` writes an email for; staff's proofs waiting go out as a digest (below)."""
SECRET_EVENTS = frozenset({"invitation", "password_reset"})
"""Emails that carry a one-time link: their text is not kept once an SMTP server accepted them,
and staff's mail page never shows it while one is configured (it would open someone's account)."""
FORGOTTEN_TEXT = "(This email carried a one-time link; its text is not kept after sending.)\n"

MAX_ATTEMPTS = 30
"""With the backoff below, about a day of retries before a message is marked failed (and kept)."""
BACKOFF_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600


class UnknownEvent(ValueError):
    """``notify`` was called with an event nobody wrote an email for."""


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link under PUBLIC_URL, the same from a request, a task or the shell."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def _people(*users: User | None, exclude: int | None = None) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.active and user.id != exclude and user.id not in seen:
            seen[user.id] = user
    return list(seen.values())


def _approvers(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.organisation_id == organisation_id, User.role.in_(APPROVING_ROLES))
        )
    )


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit]


def _parcels(order: Order) -> list[dict[str, Any]]:
    """Each parcel handed to a carrier so far, with its tracking link where the carrier has one."""
    found = db.session.scalars(select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id))
    return [
        {
            "carrier": s.carrier,
            "tracking_number": s.tracking_number,
            "boxes": s.boxes,
            "url": tracking_url(s.carrier, s.tracking_number),
        }
        for s in found
    ]


def _plan(event: str, ids: dict[str, Any]) -> tuple[list[User], dict[str, Any], str]:
    """Who gets the email, what the template sees, and the key that makes a repeat a no-op."""
    actor = db.session.get(User, ids["actor_id"]) if ids.get("actor_id") else None
    actor_id = actor.id if actor else None
    if event in ("shipped", "order_confirmed"):
        order = db.session.get(Order, ids["order_id"])
        design = order.design
        context = {
            "order": order,
            "design": design,
            "url": external_url("orders.show", order_id=order.id),
            "record_url": external_url("review.approval_record", order_id=order.id),
            "parcels": _parcels(order) if event == "shipped" else [],
        }
        return _people(design.created_by), context, f"{event}:order:{order.id}"
    if event == "order_cancelled":
        return _cancelled(db.session.get(Order, ids["order_id"]), actor, ids.get("reason", ""))
    proof = db.session.get(Proof, ids["proof_id"])
    design: Design = proof.design
    context = {
        "proof": proof,
        "design": design,
        "actor": actor,
        "actor_name": ("Gifts of Hope staff" if actor and actor.is_staff else actor.display_name)
        if actor
        else (ids.get("guest_name") or "Someone"),
        "url": external_url("review.show", design_id=design.id, v=proof.version),
        "reason": ids.get("reason", ""),
        "threshold": design.organisation.approval_threshold,
    }
    key = f"{event}:proof:{proof.id}"
    if event == "proof_ready":
        return _people(design.created_by), context, key
    if event == "approval_needed":
        return _people(*_approvers(design.organisation_id), exclude=actor_id), context, key
    if event in ("changes_requested", "approved"):
        context["side"] = ids.get("side", ReviewSide.BUYER)
        return _people(design.created_by, exclude=actor_id), context, f"{key}:{ids.get('review_id', '')}"
    raise UnknownEvent(event)


def _cancelled(order: Order, actor: User | None, reason: str) -> tuple[list[User], dict[str, Any], str]:
    """The buyer hears what the cancellation costs and credits; staff (but the one who did it) hear it happened."""
    invoice = invoices.invoice_of(order)
    note = invoices.credit_note_of(invoice) if invoice is not None else None
    staff = db.session.scalars(select(User).where(User.role.in_((Role.STAFF, Role.ADMIN)), User.active))
    context = {
        "order": order,
        "design": order.design,
        "reason": reason,
        "by_staff": bool(actor and actor.is_staff),
        "note": note,
        "url": external_url("orders.show", order_id=order.id),
        "staff_url": external_url("staff.order", order_id=order.id),
    }
    others = [u for u in staff if not (actor and u.id == actor.id)]
    return _people(order.design.created_by, *others), context, f"order_cancelled:order:{order.id}"


def _message_id() -> str:
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "giftsofhope.example"
    return make_msgid(domain=domain)


def notify(event: str, **ids: Any) -> int:
    """Queue the emails for ``event`` in the current transaction; the caller commits.

    ``ids`` name the subject (``proof_id`` or ``order_id``) and optionally ``actor_id`` (not
    emailed about their own action), ``review_id``, ``reason``, ``side``, ``guest_name``.
    Returns how many messages were queued; a repeated event queues nothing.
    """
    if event not in EVENTS:
        raise UnknownEvent(f"no email is defined for {event!r}")
    recipients, context, key = _plan(event, ids)
    recipients = preferences.receivers(NotificationKind(event), recipients)
    queued = 0
    for user in recipients:
        dedupe = f"{key}:{user.id}"[:200]
        exists = db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe).limit(1)
        )
        if exists is not None:
            continue
        _queue(event, user.email, dedupe, user=user, **context)
        queued += 1
    return queued


def send_to_address(event: str, to_addr: str, dedupe_key: str, **context: Any) -> OutboxMessage:
    """Queue one email to an address that may have no account (an invitation, a password reset).

    Written in the caller's transaction like every other email; ``emails/<event>.txt`` is its text.
    """
    return _queue(event, to_addr, dedupe_key[:200], **context)


def _queue(event: str, to_addr: str, dedupe: str, **context: Any) -> OutboxMessage:
    text = render_template(f"emails/{event}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    message = OutboxMessage(
        event=event,
        dedupe_key=dedupe,
        to_addr=to_addr,
        subject=_one_line(subject.removeprefix("Subject:").strip(), 250),
        body=body.strip() + "\n",
        message_id=_message_id(),
    )
    db.session.add(message)
    return message


def build_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = Address(addr_spec=message.to_addr)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at.replace(tzinfo=UTC))
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


class _FolderTransport:
    """The embedded default: one ``.eml`` file per message in MAIL_DIR, shown on /dev/mail."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send(self, message: OutboxMessage, email: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(bytes(email))
        os.replace(tmp, self.folder / mail_file_name(message))

    def close(self) -> None:
        pass


def mail_file_name(message: OutboxMessage) -> str:
    return f"{message.id:08d}-{message.event}.eml"


class _SmtpTransport:
    """One SMTP connection for a batch, opened on first use."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        if c["SMTP_PORT"] == 465:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                c["SMTP_HOST"], 465, timeout=c["SMTP_TIMEOUT"], context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(c["SMTP_HOST"], c["SMTP_PORT"], timeout=c["SMTP_TIMEOUT"])
            if c["SMTP_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())
        if c["SMTP_USER"]:
            smtp.login(c["SMTP_USER"], c["SMTP_PASSWORD"])
        return smtp

    def send(self, message: OutboxMessage, email: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._connect()
        self.smtp.send_message(email)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def _smtp() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def _transport() -> _FolderTransport | _SmtpTransport:
    if _smtp():
        return _SmtpTransport(current_app.config)
    return _FolderTransport(current_app.config["MAIL_DIR"])


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(0, attempts - 1), BACKOFF_CAP_SECONDS))


LEASE = Lease(OutboxMessage, MESSAGE, "MAIL_LEASE_SECONDS")
"""A sender holds the message it sends; two workers never send the same row at once."""


def _settle(message_id: int, token: str, action: str, **values: Any) -> bool:
    """Write the outcome of a send, only while this sender still holds the message; commits."""
    settled = LEASE.settle(message_id, token, action, attempts=OutboxMessage.attempts + 1, **values)
    db.session.commit()
    return settled


def send_pending(limit: int = 100) -> int:
    """Deliver due messages; return how many went out. Safe to run in several workers at once."""
    now = utcnow()
    # A sender killed mid-send leaves "sending" behind; once its lease lapses the message is
    # someone else's to send (again, with the same Message-ID: at least once).
    db.session.execute(
        update(OutboxMessage)
        .where(LEASE.lapsed(now))
        .values(status=LEASE.after("requeue"), lease_token=None, lease_expires_at=None, updated_at=now)
    )
    db.session.commit()
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == LEASE.waiting, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    transport = _transport()
    sent = 0
    try:
        for message_id in due:
            token = LEASE.take(message_id)
            if token is None:
                continue
            message = db.session.get(OutboxMessage, message_id)
            try:
                transport.send(message, build_email(message))
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                _failed(message, token, exc)
                if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
                    break  # the server is unreachable or broken: the rest wait for the next round
                continue
            forget = {"body": FORGOTTEN_TEXT} if message.event in SECRET_EVENTS and _smtp() else {}
            _settle(message_id, token, "finish", sent_at=utcnow(), last_error=None, **forget)
            sent += 1
    finally:
        transport.close()
    return sent


def _error_sentence(exc: Exception) -> str:
    """What staff read about a failed send (on /dev/mail); the exception itself goes to the log."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the recipient's address."
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "The mail server refused our login (SMTP_USER, SMTP_PASSWORD)."
    if isinstance(exc, smtplib.SMTPDataError):
        return "The mail server refused this message."
    if isinstance(exc, ValueError):
        return "The message could not be written (an address or header is not valid)."
    return "The mail server could not be reached; we will try again."


def _failed(message: OutboxMessage, token: str, exc: Exception) -> None:
    attempts = message.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        action, values = "fail", {}
        log.error("giving up on outbox message %s after %s attempts: %s", message.id, attempts, exc)
    else:
        action, values = "requeue", {"next_attempt_at": utcnow() + backoff(attempts)}
        log.warning("outbox message %s not sent (attempt %s): %s", message.id, attempts, exc)
    _settle(message.id, token, action, last_error=_error_sentence(exc), **values)


def recent(limit: int = 200) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))
