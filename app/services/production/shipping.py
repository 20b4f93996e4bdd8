"""Orders through the workshop: staff moves, shipments, the timeline and the packing slip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, String, exists, func, insert, literal, select

from app.extensions import db
from app.models import AuditEvent, Order, User, utcnow
from app.models.production import Shipment
from app.services import audit, delivery, notifications, orders, payments
from app.services.errors import Conflict, Invalid, NotFound
from app.services.production import quality
from app.services.production._shared import lock, today
from app.services.transaction import commits
from app.services.webhooks import deliveries as webhooks
from configurator.addresses import label_lines
from configurator.catalog import load_catalog
from configurator.pricing import dollars
from configurator.spec import BoxSpec
from configurator.states import ORDER, JobStatus, OrderStatus
from configurator.tracking import carrier_name, tracking_url
from configurator.vocabulary import CardSize, CardStyle, Delivery, LogoPlacement, PaymentMethod
from proofs.csv_export import csv_bytes

if TYPE_CHECKING:
    from proofs.packing_slip import PackingSlip

MANUAL_ORDER_ACTIONS = ("start_production", "send_to_qa", "fail_qa", "pack", "deliver")
"""Order moves staff make with a button; shipping needs carrier and tracking (see :func:`ship`), and
cancelling a reason (``app.services.cancellations``)."""


def _refusal(order: Order, action: str) -> str | None:
    """Why the workshop refuses a staff button on this order, beyond the order machine; None: it does not."""
    if action == "cancel":
        return "Give a reason in the cancel form to cancel an order."
    if action not in MANUAL_ORDER_ACTIONS:
        return "Use the shipping form to mark an order shipped."
    if action == "send_to_qa" and any(j.status != JobStatus.DONE for j in order.jobs):
        return "Some jobs of this order are not done yet."
    if action == "pack" and order.status == OrderStatus.QUALITY_CHECK:
        refusal = quality.refusal_to_pack(order)
        if refusal is not None:
            return refusal
    return payments.hold(order, action).refusal


def order_actions(order: Order) -> list[str]:
    """The buttons staff get on an order now: the moves the machine allows and the workshop does not refuse."""
    return [a for a in sorted(ORDER.allowed(order.status)) if _refusal(order, a) is None]


@commits
def staff_advance(staff: User, order: Order, action: str) -> None:
    """A staff button on an order, through the order machine, with the checks the workshop needs."""
    refusal = _refusal(order, action)
    if refusal is not None:
        raise Conflict(refusal)
    if action == "pack":
        quality.hold_for_packing(order)
    lock(order)
    if action == "fail_qa":
        quality.forget_marks(order)
    orders.advance(order, action, staff)


SHIPPABLE = (OrderStatus.PACKED, OrderStatus.SHIPPED)
"""A packed order ships its first parcel; a shipped one may add parcels until every box has left."""


def boxes_in(order: Order) -> int:
    return int(order.quote.get("boxes") or BoxSpec.from_dict(order.spec).quantity)


def can_ship(order: Order, boxes_left: int) -> bool:
    """Whether the order page offers the shipping form: a packed or shipped order with boxes left
    (a packed one with its balance paid, when its invoice asks for that)."""
    return order.status in SHIPPABLE and boxes_left > 0 and ship_held(order) is None


def ship_held(order: Order) -> str | None:
    """Why a packed order may not ship yet for want of money; None when it may."""
    return payments.hold(order, "ship").refusal if order.status == OrderStatus.PACKED else None


def boxes_left(order: Order) -> int:
    """Boxes of the order not handed to a carrier yet."""
    shipped = db.session.scalar(
        select(func.coalesce(func.sum(Shipment.boxes), 0)).where(Shipment.order_id == order.id)
    )
    return max(boxes_in(order) - int(shipped or 0), 0)


def ship(staff: User, order: Order, carrier: str, tracking_number: str, boxes: int | None = None) -> Shipment:
    """Record a parcel handed to a carrier (no boxes given: all boxes left); the first one ships the order.

    The parcel is written by one ``INSERT … SELECT`` that holds only while the boxes shipped so
    far plus this parcel fit the order, so two staff shipping at the same instant (or one
    pressing twice) can never ship more boxes than were ordered; on PostgreSQL the order row
    lock also makes the second wait for the first.
    """
    carrier, tracking_number = carrier_name(carrier), tracking_number.strip()
    errors = {}
    if not 2 <= len(carrier) <= 60:
        errors["carrier"] = "Enter the carrier's name."
    if not 3 <= len(tracking_number) <= 80:
        errors["tracking_number"] = "Enter the tracking number."
    order = lock(order)
    try:
        return _ship(staff, order, carrier, tracking_number, boxes, errors)
    except (Conflict, Invalid):
        db.session.rollback()
        raise


def _ship(
    staff: User, order: Order, carrier: str, tracking_number: str, boxes: int | None, errors: dict[str, str]
) -> Shipment:
    if order.status not in SHIPPABLE:
        before_packing = order.status in (
            OrderStatus.CONFIRMED,
            OrderStatus.IN_PRODUCTION,
            OrderStatus.QUALITY_CHECK,
        )
        raise Conflict(
            f"This order is {order.status.replace('_', ' ')}; "
            + ("pack it before shipping." if before_packing else "it cannot be shipped.")
        )
    total, left = boxes_in(order), boxes_left(order)
    if left == 0:
        raise Conflict(f"All {total} boxes of this order have been shipped; there is nothing left to ship.")
    boxes = left if boxes is None else boxes
    if not 1 <= boxes <= left:
        errors["boxes"] = (
            f"Enter a number of boxes from 1 to {left}: {left} of the {total} are not shipped yet."
        )
    if errors:
        raise Invalid("Please correct the shipment: " + " ".join(errors.values()), errors)
    shipment_id = db.session.execute(
        _insert_if_it_fits(staff, order, carrier, tracking_number, boxes, total)
    ).scalar()
    if shipment_id is None:
        db.session.rollback()  # to read what the other parcel left
        left = boxes_left(order)
        raise Conflict(
            "Someone else recorded a parcel of this order a moment ago; nothing was saved. "
            + (f"{left} boxes are left to ship." if left else "Every box has been shipped now.")
        )
    db.session.refresh(order)  # current now: the parcel's write made every other one wait
    if order.status == OrderStatus.PACKED:
        orders.advance(order, "ship", staff)
        notifications.notify("shipped", order_id=order.id, actor_id=staff.id)
    shipment = db.session.get(Shipment, shipment_id)
    assert shipment is not None
    webhooks.shipment_created(shipment, order)
    audit.record(
        staff,
        "order.shipment",
        f"order:{order.id}",
        order.organisation_id,
        carrier=carrier,
        tracking=tracking_number,
        boxes=boxes,
        shipment=shipment.id,
    )
    db.session.commit()
    return shipment


def _insert_if_it_fits(staff: User, order: Order, carrier: str, tracking: str, boxes: int, total: int):
    """``INSERT INTO shipment … SELECT … WHERE`` the order is shippable and the parcel fits."""
    shipped = (
        select(func.coalesce(func.sum(Shipment.boxes), 0))
        .where(Shipment.order_id == order.id)
        .scalar_subquery()
    )
    shippable = exists().where(Order.id == order.id, Order.status.in_(SHIPPABLE))
    row = select(
        literal(order.id),
        literal(carrier, String),
        literal(tracking, String),
        literal(boxes),
        literal(utcnow(), DateTime),
        literal(staff.id),
    ).where(shippable, shipped + boxes <= total)
    columns = ["order_id", "carrier", "tracking_number", "boxes", "shipped_at", "shipped_by_id"]
    return insert(Shipment).from_select(columns, row).returning(Shipment.id)


def get_shipment(order: Order, shipment_id: int) -> Shipment:
    """One parcel of ``order``; a parcel of another order is not found, never shown."""
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or shipment.order_id != order.id:
        raise NotFound("We could not find that parcel.")
    return shipment


def shipments(order: Order) -> list[Shipment]:
    return list(
        db.session.scalars(select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id))
    )


def shipments_csv(order: Order) -> bytes:
    """The order's parcels as a spreadsheet (buyer and staff): carrier, number, tracking link, boxes.

    Through the one CSV writer, so a carrier or number typed as ``=HYPERLINK(…)`` stays text.
    """
    rows = [
        (
            order.reference,
            s.id,
            s.carrier,
            s.tracking_number,
            tracking_url(s.carrier, s.tracking_number) or "",
            s.boxes,
            s.shipped_at.replace(microsecond=0),
        )
        for s in shipments(order)
    ]
    header = ("Order", "Parcel", "Carrier", "Tracking number", "Tracking link", "Boxes", "Shipped at (UTC)")
    return csv_bytes(header, rows)


EVENT_WORDS = {
    "order.created": "Order confirmed",
    "order.start_production": "Production started",
    "order.send_to_qa": "All jobs done: quality check",
    "order.fail_qa": "Quality check failed: back to production",
    "order.pack": "Packed",
    "order.ship": "Shipped",
    "order.deliver": "Delivered",
    "order.cancel": "Cancelled",
    "credit_note.issued": "Credit note issued",
    "order.shipment": "Parcel handed to the carrier",
    "payment.recorded": "Payment recorded",
    "order.first_in_queue": "Moved to the front of the queue",
    "job.claim": "Job taken",
    "job.start": "Job started",
    "job.pause": "Job paused",
    "job.finish": "Job done",
    "job.release": "Job given back",
    "job.report_problem": "Problem reported",
    "job.staff_release": "Job taken back by staff",
    "job.assign": "Job given to a maker",
    "job.priority": "Job moved in the queue",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    role: str
    what: str
    job: str
    detail: str


def timeline(order: Order) -> list[TimelineEntry]:
    """Everything that happened to an order and its jobs, oldest first (staff only: shows pseudonyms)."""
    jobs = {f"job:{j.id}": j.title for j in order.jobs}
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject.in_([f"order:{order.id}", *jobs]))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    people = {
        u.id: u.display_name
        for u in db.session.scalars(
            select(User).where(User.id.in_({e.actor_id for e in events if e.actor_id}))
        )
    }
    entries = []
    for e in events:
        detail = e.detail or {}
        extra = []
        if "problem" in detail:
            extra.append(str(detail["problem"]))
        if "reason" in detail:
            extra.append(f"Reason: {detail['reason']}")
        if "credit_note" in detail:
            extra.append(f"CN-{detail['credit_note']:06d}: {dollars(Decimal(detail['amount']))} credited")
        if "made" in detail:
            extra.append(f"{detail['made']} made")
        if "amount" in detail and "method" in detail:
            extra.append(
                f"{dollars(Decimal(detail['amount']))} by {PaymentMethod(detail['method']).label.lower()}"
            )
        if "carrier" in detail:
            extra.append(
                f"{detail['carrier']} {detail.get('tracking', '')} · {detail.get('boxes', '')} boxes"
            )
        entries.append(
            TimelineEntry(
                at=e.at,
                who=people.get(e.actor_id, "System") if e.actor_id else "System",
                role=e.actor_role or "",
                what=EVENT_WORDS.get(e.action, e.action.replace(".", ": ").replace("_", " ")),
                job=jobs.get(e.subject, ""),
                detail=" · ".join(extra),
            )
        )
    return entries


def packing_slip(order: Order, shipment: Shipment | None = None) -> PackingSlip:
    """What the packing slip of an order (or one parcel of it) shows; the worker lays it out."""
    from proofs.packing_slip import PackingSlip, SlipLine  # WeasyPrint loads only where it is used

    catalog = load_catalog()
    spec = BoxSpec.from_dict(order.spec)
    lines = [
        SlipLine(
            name=catalog.products[i.product_id].name if i.product_id in catalog.products else i.product_id,
            colour=catalog.colour_name(i.colour),
            colour_hex=catalog.colour_hex(i.colour),
            per_box=i.quantity,
            total=i.quantity * spec.quantity,
        )
        for i in spec.items
    ]
    box = catalog.box_sizes.get(spec.box_size)
    personal = []
    if spec.monogram.strip():
        personal.append(f"Monogram {spec.monogram.strip()} on every item")
    if spec.logo_id:
        personal.append(f"Logo {LogoPlacement(spec.logo_placement).label.lower()}")
    needed = spec.needed_by
    kind = Delivery(spec.delivery) if Delivery.has(spec.delivery) else Delivery.BULK
    row = delivery.address_of_order(order) if kind.to_address else None
    slip = PackingSlip(
        reference=order.reference,
        organisation=order.organisation.name,
        design_name=order.design.name,
        boxes=shipment.boxes if shipment else spec.quantity,
        boxes_in_order=spec.quantity,
        box=f"{box.name if box else spec.box_size}, {catalog.colour_name(spec.box_colour).lower()}",
        ribbon=catalog.colour_name(spec.ribbon_colour),
        tissue=catalog.colour_name(spec.tissue_colour),
        lines=tuple(lines),
        personalisation=tuple(personal),
        card=f"Message card ({CardSize(spec.card_size).label}, {CardStyle(spec.card_style).label.lower()})",
        needed_by=f"{needed:%d %B %Y}" if needed else "",
        delivery=Delivery(spec.delivery).label,
        carrier=shipment.carrier if shipment else "",
        tracking=shipment.tracking_number if shipment else "",
        printed=f"{today():%d %B %Y}",
        ship_to=label_lines(row.address()) if row else (),
        ship_to_phone=row.phone if row else "",
        instructions=row.instructions if row else "",
        hours=row.hours if row else "",
        boxes_to_address=(row.boxes or 0) if row and kind.to_recipients else 0,
    )
    return slip
