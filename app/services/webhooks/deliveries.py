"""Webhook deliveries through an outbox, like e-mail.

:func:`record` writes one delivery per subscribed, enabled endpoint of the organisation into the
caller's transaction, so a delivery exists exactly when the change it tells about was committed,
and asks for it to be sent after commit. :func:`send` takes the delivery under a lease (two
workers never send it at once), signs it following Standard Webhooks and POSTs it; a failed
attempt waits by :data:`configurator.webhooks.RETRY_DELAYS` and the last one fails it, shown in
the admin's log. The periodic reconciler (:func:`reconcile`) sends the deliveries whose time
came and recovers those whose sender died. Delivery is at least once: receivers deduplicate by
``webhook-id``, which every attempt of one delivery repeats.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from standardwebhooks import Webhook

from app.background import send_after_commit
from app.extensions import db
from app.faults import InfrastructureFault, is_infrastructure_fault
from app.models import Order, Proof, Shipment, WebhookDelivery, WebhookEndpoint, utcnow
from app.services.leases import MAX_LOST_RENDERS, GiveUp, Lease
from app.services.webhooks import targets
from configurator.states import DELIVERY
from configurator.vocabulary import WebhookEvent
from configurator.webhooks import retry_delay

log = logging.getLogger(__name__)

SEND_TASK_NAME = "app.tasks.send_webhook"

LEASE = Lease(
    WebhookDelivery,
    DELIVERY,
    "WEBHOOK_LEASE_SECONDS",
    give_up=GiveUp(
        after=MAX_LOST_RENDERS,
        reason="Sending this delivery stopped our worker several times; we gave up on it.",
    ),
)
"""A sender holds the delivery it sends; a lapsed lease (a dead worker) is a lost attempt, not a failed one."""


def record(event: WebhookEvent, organisation_id: int, data: dict[str, Any]) -> int:
    """Queue ``event`` for every enabled endpoint of the organisation that chose it; the caller commits.

    ``data`` holds ids and statuses only: a webhook never carries a recipient's personal data.
    Returns how many deliveries were queued.
    """
    endpoints = db.session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.organisation_id == organisation_id, WebhookEndpoint.enabled.is_(True)
        )
    ).all()
    now = utcnow()
    body = json.dumps(
        {"type": event.value, "timestamp": now.replace(tzinfo=UTC).isoformat(), "data": data},
        separators=(",", ":"),
    )
    queued = 0
    for endpoint in endpoints:
        if event.value not in endpoint.events:
            continue
        delivery = WebhookDelivery(
            endpoint_id=endpoint.id,
            event=event.value,
            message_id=f"msg_{secrets.token_hex(16)}",
            body=body,
            occurred_at=now,
            next_attempt_at=now,
            updated_at=now,
        )
        db.session.add(delivery)
        db.session.flush()
        send_after_commit(SEND_TASK_NAME, delivery.id)
        queued += 1
    return queued


def proof_event(event: WebhookEvent, proof: Proof) -> int:
    """:func:`record` an event about a proof (ready, failed, changes asked for)."""
    design = proof.design
    data = {"proof_id": proof.id, "design_id": design.id, "version": proof.version, "status": proof.status}
    return record(event, design.organisation_id, {**data, "design_status": design.status})


def order_event(event: WebhookEvent, order: Order, **extra: Any) -> int:
    """:func:`record` an event about an order (created, moved on)."""
    data = {"order_id": order.id, "design_id": order.design_id, "status": order.status}
    return record(event, order.organisation_id, {**data, **extra})


def shipment_created(shipment: Shipment, order: Order) -> int:
    data = {"shipment_id": shipment.id, "order_id": order.id, "order_status": order.status}
    return record(WebhookEvent.SHIPMENT_CREATED, order.organisation_id, data)


@dataclass(frozen=True)
class Attempt:
    """What one attempt sends, read before it starts: no transaction stays open while the receiver answers."""

    delivery_id: int
    message_id: str
    body: str
    attempts: int
    url: str
    secret: str
    started: datetime
    """When the lease was taken (``last_attempt_at``): the retry waits are counted from it."""


def headers_for(message_id: str, body: str, secret: str, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt: signed at the time it is sent."""
    signature = Webhook(secret).sign(message_id, at.replace(tzinfo=UTC), body)
    return {
        "Content-Type": "application/json",
        "User-Agent": "GiftsOfHope-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.replace(tzinfo=UTC).timestamp())),
        "webhook-signature": signature,
    }


def send(delivery_id: int) -> bool:
    """Make one attempt at a due delivery, if nobody else holds it; True when the receiver took it.

    Safe to call twice at once and again later (a repeated task message): the lease lets one
    sender through, and a delivery that is not due, or whose endpoint was disabled, waits.
    A database fault is raised as :class:`InfrastructureFault` for the task to retry; the
    lease then lapses and the reconciler sends the delivery again (not counted as an attempt).
    """
    try:
        return _send(delivery_id)
    except Exception as exc:
        db.session.rollback()
        if not is_infrastructure_fault(exc):
            raise
        raise InfrastructureFault(f"webhook delivery {delivery_id} met {type(exc).__name__}") from exc


def _send(delivery_id: int) -> bool:
    now = utcnow()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if (
        delivery is None
        or delivery.status != LEASE.waiting
        or delivery.next_attempt_at > now
        or not delivery.endpoint.enabled
    ):
        db.session.rollback()
        return False
    token = LEASE.take(delivery_id, last_attempt_at=now)
    if token is None:
        return False
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:  # the endpoint was deleted the moment we took it
        return False
    attempt = Attempt(
        delivery_id,
        delivery.message_id,
        delivery.body,
        delivery.attempts,
        delivery.endpoint.url,
        delivery.endpoint.secret,
        now,
    )
    db.session.commit()
    with LEASE.keeper(delivery_id, token):
        delivered, values = _attempt(attempt)
    if delivered:
        done = {"attempts": attempt.attempts + 1, "delivered_at": utcnow(), "failure_reason": None}
        LEASE.settle(delivery_id, token, "finish", **done, **values)
    else:
        _failed(attempt, token, values)
    db.session.commit()
    return delivered


def _attempt(attempt: Attempt) -> tuple[bool, dict[str, Any]]:
    """POST the delivery once; whether it was taken, and what the log keeps of the answer."""
    config = current_app.config
    try:
        target = targets.check(
            attempt.url,
            allow_http=config["WEBHOOKS_ALLOW_HTTP"],
            allow_loopback=config["WEBHOOKS_ALLOW_LOOPBACK"],
        )
        answer = targets.post(
            target,
            attempt.body.encode(),
            headers_for(attempt.message_id, attempt.body, attempt.secret, utcnow()),
            timeout=config["WEBHOOK_TIMEOUT_SECONDS"],
        )
    except (targets.UnsafeUrl, targets.SendFailed) as exc:
        return False, {"response_status": None, "response_excerpt": None, "failure_reason": str(exc)}
    values: dict[str, Any] = {"response_status": answer.status, "response_excerpt": answer.excerpt or None}
    if 200 <= answer.status < 300:
        return True, values
    if 300 <= answer.status < 400:
        reason = f"Your server answered {answer.status}, a redirect; we do not follow redirects, so register the address it points to."
    else:
        reason = f"Your server answered {answer.status}; we wait for an answer from 200 to 299."
    return False, {**values, "failure_reason": reason}


def _failed(attempt: Attempt, token: str, values: dict[str, Any]) -> None:
    attempts = attempt.attempts + 1
    delay = retry_delay(attempts)
    if delay is None:
        log.warning("webhook delivery %s failed for good after %s attempts", attempt.delivery_id, attempts)
        LEASE.settle(attempt.delivery_id, token, "fail", attempts=attempts, **values)
    else:
        next_at = attempt.started + delay
        LEASE.settle(
            attempt.delivery_id, token, "requeue", attempts=attempts, next_attempt_at=next_at, **values
        )


def reconcile() -> list[int]:
    """Send the deliveries whose time came, and those whose sender died; returns the ids sent.

    A due delivery is sent once per ``PROOF_RESEND_SECONDS`` at most (its message may be on its
    way already): it is stamped when sent, and due again once it was not touched since its time
    came, or longer than that ago. Deliveries of a disabled endpoint wait until it is enabled.
    """
    ids = LEASE.recover()
    now = utcnow()
    resend = now - timedelta(seconds=current_app.config["PROOF_RESEND_SECONDS"])
    enabled = select(WebhookEndpoint.id).where(WebhookEndpoint.enabled.is_(True))
    due = db.session.scalars(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.status == LEASE.waiting,
            WebhookDelivery.next_attempt_at <= now,
            WebhookDelivery.endpoint_id.in_(enabled),
            or_(
                WebhookDelivery.updated_at < resend,
                WebhookDelivery.updated_at < WebhookDelivery.next_attempt_at,
            ),
        )
        .values(updated_at=now)
        .returning(WebhookDelivery.id)
    ).all()
    db.session.commit()
    ids = sorted({*ids, *due})
    for delivery_id in ids:
        send_after_commit(SEND_TASK_NAME, delivery_id)
    return ids
