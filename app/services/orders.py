"""Orders: a frozen snapshot of an approved design, expanded into production jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import AuditEvent, Order, ProductionJob, Proof, User, utcnow
from app.services import audit, delivery, documents, invoices, payments
from app.services.access import get_visible, visible
from app.services.errors import Conflict
from app.services.webhooks import deliveries as webhooks
from configurator.catalog import load_catalog
from configurator.jobs import plan_jobs, quote_is_rush
from configurator.pricing import quote
from configurator.spec import BoxSpec
from configurator.states import DESIGN, ORDER, IllegalTransition, OrderStatus
from configurator.vocabulary import WebhookEvent


def create_from(user: User, proof: Proof) -> Order:
    """Freeze the approved proof's spec and quote into an order; the caller commits."""
    design = proof.design
    spec = BoxSpec.from_dict(proof.spec)
    catalog = load_catalog()
    order = Order(
        organisation_id=design.organisation_id,
        design=design,
        proof=proof,
        spec=spec.to_dict(),
        quote=proof.quote or quote(spec, catalog).to_dict(),
        po_number=design.po_number,
        cost_centre=design.cost_centre,
    )
    db.session.add(order)
    db.session.flush()
    design.status = DESIGN.next(design.status, "order")
    for plan in plan_jobs(spec, catalog, rush=quote_is_rush(order.quote)):
        db.session.add(
            ProductionJob(
                order=order,
                kind=plan.kind,
                title=plan.title,
                product_id=plan.product_id,
                colour=plan.colour,
                quantity=plan.quantity,
                maker_minutes=plan.maker_minutes,
                priority=plan.priority,
            )
        )
    delivery.freeze_into(order, design)
    audit.record(user, "order.created", f"order:{order.id}", order.organisation_id, proof=proof.version)
    invoices.issue_for(order, user)
    documents.request_approval_record(order)  # drawn by a worker once the caller commits
    webhooks.order_event(WebhookEvent.ORDER_CREATED, order)
    return order


def orders_for(user: User) -> list[Order]:
    return list(db.session.scalars(visible(user, Order, select(Order).order_by(Order.created_at.desc()))))


def get_order(user: User, order_id: int) -> Order:
    return get_visible(user, Order, order_id, "order")


def advance(order: Order, action: str, actor: User | None, **detail: str) -> None:
    """Apply one order transition through the state machine; the caller commits.

    ``detail`` joins the audit event (a cancellation's reason).

    One ``UPDATE`` conditional on the status the order was read with and, for a move that waits
    for money (``configurator.payments``), on the payments it was allowed by: a move decided on a
    stale read changes nothing and says so.
    """
    try:
        new = ORDER.next(order.status, action)
    except IllegalTransition as exc:
        raise Conflict(
            f"This order is {order.status.replace('_', ' ')}; it cannot {action.replace('_', ' ')}."
        ) from exc
    held = payments.hold(order, action)
    if held.refusal is not None:
        raise Conflict(held.refusal)
    moved = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == order.status, *held.still_true)
        .values(status=new, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise Conflict("Someone else changed this order a moment ago; nothing was changed. Reload to see it.")
    audit.record(
        actor,
        f"order.{action}",
        f"order:{order.id}",
        order.organisation_id,
        before=order.status,
        after=new,
        **detail,
    )
    before = order.status
    set_committed_value(order, "status", new)
    webhooks.order_event(WebhookEvent.ORDER_STATUS_CHANGED, order, previous_status=before)


def progress(order: Order) -> tuple[int, int]:
    """Maker minutes done and total, for a progress bar that reflects real work (a paused job's too)."""
    total = sum(j.maker_minutes for j in order.jobs)
    return total - order.minutes_left, total


MILESTONES = (
    (OrderStatus.CONFIRMED, "Order confirmed"),
    (OrderStatus.IN_PRODUCTION, "Makers at work"),
    (OrderStatus.QUALITY_CHECK, "Quality check"),
    (OrderStatus.PACKED, "Packed"),
    (OrderStatus.SHIPPED, "Shipped"),
    (OrderStatus.DELIVERED, "Delivered"),
)


def milestones(order: Order) -> list[tuple[str, datetime | None, str]]:
    """The buyer's timeline: each stage with when it was reached and done/current/todo.

    Built from the order's own audit events only, so no maker or staff name reaches a buyer.
    """
    reached: dict[str, datetime] = {OrderStatus.CONFIRMED: order.created_at}
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject == f"order:{order.id}").order_by(AuditEvent.at)
    )
    for event in events:
        after = (event.detail or {}).get("after")
        if after:
            reached[after] = event.at
    order_of = [state for state, _ in MILESTONES]
    current = order_of.index(order.status) if order.status in order_of else -1
    return [
        (label, reached.get(state), "done" if i < current else "current" if i == current else "todo")
        for i, (state, label) in enumerate(MILESTONES)
    ]
