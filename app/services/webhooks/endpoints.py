"""An organisation's webhook endpoints, as its admins manage them on the settings page.

A new endpoint gets a signing secret (``whsec_`` and 32 random bytes in base64, as Standard
Webhooks write it) that the admin sees once, on the page that made it.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select, update

from app.background import send_after_commit
from app.extensions import db
from app.models import User, WebhookDelivery, WebhookEndpoint, utcnow
from app.services import audit
from app.services.errors import Conflict, Invalid, NotFound
from app.services.members import organisation_of_admin
from app.services.transaction import commits
from app.services.webhooks import targets
from app.services.webhooks.deliveries import SEND_TASK_NAME
from configurator.states import DELIVERY, DeliveryStatus
from configurator.status_text import delivery_sentence
from configurator.vocabulary import WebhookEvent
from configurator.webhooks import schedule_words

PREFIX = "whsec_"
"""How Standard Webhooks mark a signing secret (its libraries strip it before decoding)."""
LOG_ROWS = 50
"""Deliveries the log shows, newest first."""
RESENDABLE = tuple(s for s in DeliveryStatus if "resend" in DELIVERY.allowed(s))


@dataclass(frozen=True)
class EndpointRow:
    id: int
    url: str
    events: tuple[WebhookEvent, ...]
    enabled: bool
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    endpoint_url: str
    event: WebhookEvent
    occurred_at: datetime
    status: DeliveryStatus
    state: str
    """The status in a sentence."""
    attempts: int
    response_status: int | None
    response_excerpt: str | None
    failure_reason: str | None
    next_attempt_at: datetime | None
    """When it is tried again (pending only)."""
    can_resend: bool


@dataclass(frozen=True)
class WebhooksPage:
    organisation: str
    endpoints: tuple[EndpointRow, ...]
    deliveries: tuple[DeliveryRow, ...]
    events: tuple[WebhookEvent, ...] = tuple(WebhookEvent)
    https_only: bool = True
    retries: str = schedule_words()
    log_rows: int = LOG_ROWS


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    secret: str
    """Shown once, on the page that made the endpoint."""


def webhooks_page(admin: User) -> WebhooksPage:
    organisation = organisation_of_admin(admin)
    endpoints = db.session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id == organisation.id)
        .order_by(WebhookEndpoint.id.desc())
    ).all()
    deliveries = db.session.execute(
        select(WebhookDelivery, WebhookEndpoint.url)
        .join(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id == organisation.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_ROWS)
    ).all()
    return WebhooksPage(
        organisation=organisation.name,
        endpoints=tuple(
            EndpointRow(
                id=e.id,
                url=e.url,
                events=tuple(WebhookEvent(v) for v in e.events),
                enabled=e.enabled,
                created_by=e.created_by.display_name,
                created_at=e.created_at,
            )
            for e in endpoints
        ),
        deliveries=tuple(
            DeliveryRow(
                id=d.id,
                endpoint_url=url,
                event=WebhookEvent(d.event),
                occurred_at=d.occurred_at,
                status=d.status,
                state=delivery_sentence(d.status),
                attempts=d.attempts,
                response_status=d.response_status,
                response_excerpt=d.response_excerpt,
                failure_reason=d.failure_reason,
                next_attempt_at=d.next_attempt_at if d.status == DeliveryStatus.PENDING else None,
                can_resend=d.status in RESENDABLE,
            )
            for d, url in deliveries
        ),
        https_only=not current_app.config["WEBHOOKS_ALLOW_HTTP"],
    )


def checked_url(url: str) -> str:
    """The URL as stored, or :class:`Invalid` at the ``url`` field saying why a webhook may not go there."""
    config = current_app.config
    try:
        targets.check(
            url, allow_http=config["WEBHOOKS_ALLOW_HTTP"], allow_loopback=config["WEBHOOKS_ALLOW_LOOPBACK"]
        )
    except targets.UnsafeUrl as exc:
        raise Invalid("Please correct the address.", {"url": str(exc)}) from None
    return url.strip()


def _events(raw: list[str]) -> list[str]:
    chosen = [event for event in WebhookEvent if event.value in raw]
    if not chosen or len(chosen) != len(set(raw)):
        raise Invalid("Choose the events to send.", {"events": "Choose at least one of the events listed."})
    return [event.value for event in chosen]


@commits
def create(admin: User, url: str, events: list[str]) -> NewEndpoint:
    """Register an endpoint of the admin's organisation; the secret is returned to be shown once."""
    organisation = organisation_of_admin(admin)
    problems: dict[str, str] = {}
    try:
        url = checked_url(url)
    except Invalid as exc:
        problems.update(exc.violations)
    try:
        chosen = _events(events)
    except Invalid as exc:
        problems.update(exc.violations)
    if problems:
        raise Invalid("Please correct the webhook.", problems)
    secret = PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    endpoint = WebhookEndpoint(
        organisation_id=organisation.id, url=url, events=chosen, secret=secret, created_by_id=admin.id
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record(
        admin, "webhook.created", f"organisation:{organisation.id}", organisation.id, endpoint=endpoint.id
    )
    return NewEndpoint(endpoint=endpoint, secret=secret)


def _endpoint(admin: User, endpoint_id: int) -> WebhookEndpoint:
    organisation = organisation_of_admin(admin)
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.organisation_id != organisation.id:
        raise NotFound("We could not find that webhook.")
    return endpoint


@commits
def set_enabled(admin: User, endpoint_id: int, enabled: bool) -> str:
    """Switch an endpoint on or off; off, its events wait (and new ones are not recorded). Returns its URL."""
    endpoint = _endpoint(admin, endpoint_id)
    switched = db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint.id, WebhookEndpoint.enabled.is_(not enabled))
        .values(enabled=enabled)
    )
    if switched.rowcount != 1:
        state = "enabled" if enabled else "disabled"
        raise Conflict(f"The webhook to {endpoint.url} was already {state}; nothing was changed.")
    action = "webhook.enabled" if enabled else "webhook.disabled"
    audit.record(
        admin,
        action,
        f"organisation:{endpoint.organisation_id}",
        endpoint.organisation_id,
        endpoint=endpoint.id,
    )
    return endpoint.url


@commits
def remove(admin: User, endpoint_id: int) -> str:
    """Delete an endpoint with its delivery log; returns its URL."""
    endpoint = _endpoint(admin, endpoint_id)
    url, organisation_id = endpoint.url, endpoint.organisation_id
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    audit.record(
        admin, "webhook.deleted", f"organisation:{organisation_id}", organisation_id, endpoint=endpoint_id
    )
    return url


@commits
def resend(admin: User, delivery_id: int) -> WebhookEvent:
    """Send a delivered or failed delivery once more (same ``webhook-id``, a fresh retry schedule)."""
    organisation = organisation_of_admin(admin)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint.organisation_id != organisation.id:
        raise NotFound("We could not find that delivery.")
    busy = Conflict("This delivery is being sent already; its log shows how it went in a moment.")
    if delivery.status not in RESENDABLE:
        raise busy
    now = utcnow()
    moved = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery.id, WebhookDelivery.status == delivery.status)
        .values(
            status=DELIVERY.next(delivery.status, "resend"),
            attempts=0,
            next_attempt_at=now,
            updated_at=now,
            failure_reason=None,
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise busy
    audit.record(
        admin, "webhook.resent", f"organisation:{organisation.id}", organisation.id, delivery=delivery.id
    )
    send_after_commit(SEND_TASK_NAME, delivery.id)
    return WebhookEvent(delivery.event)
