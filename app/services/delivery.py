"""Where a design's boxes go: its delivery address, and what shipping it makes in the quote.

Addresses and phone numbers are personal data: they are read by the design's organisation and
by staff (``get_design`` / ``get_order`` check that), never written to logs or audit events
(those name the row's id) and never shown on a maker's screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import DeliveryAddress, Design, Order, Recipient
from app.services.errors import Invalid
from configurator.addresses import Address, check_address, label_lines
from configurator.catalog import load_catalog
from configurator.leadtime import Capacity, transit_days
from configurator.shipping import Destinations, destinations, office_share
from configurator.spec import BoxSpec
from configurator.vocabulary import Delivery


def address_of(design: Design) -> DeliveryAddress | None:
    return design.delivery_address


def _address_changed(design: Design) -> None:
    """Write the change and forget the loaded address, so the next read sees the new row."""
    db.session.flush()
    db.session.expire(design, ["delivery_address"])


def address_of_order(order: Order) -> DeliveryAddress | None:
    return db.session.scalar(select(DeliveryAddress).where(DeliveryAddress.order_id == order.id))


def recipient_countries(design: Design) -> list[str]:
    """The countries of the design's recipients in list order, for shipping zones (no other personal data)."""
    query = select(Recipient.country).where(Recipient.design_id == design.id)
    return list(db.session.scalars(query.order_by(Recipient.position, Recipient.id)))


def destinations_for(
    spec: BoxSpec, address: Address | None, office_boxes: int | None, recipients: Iterable[str] = ()
) -> Destinations:
    """Where the spec's boxes go with this address (None: not entered yet) and the recipients'
    countries known so far, as the quote prices them."""
    table = load_catalog().shipping
    if table is None:
        return Destinations(address_boxes=spec.quantity)
    return destinations(
        spec.delivery if Delivery.has(spec.delivery) else Delivery.BULK,
        spec.quantity,
        table,
        address_country=address.country if address and address.country else None,
        office_boxes=office_boxes,
        recipient_countries=recipients,
    )


def slowest_transit(spec: BoxSpec, country: str | None, office_boxes: int | None, capacity: Capacity) -> int:
    """Working days the slowest box of an order travels (the zones of its address and recipients)."""
    where = destinations_for(spec, Address(country=country or ""), office_boxes)
    table = load_catalog().shipping
    return max(transit_days(table, zone, capacity) for zone in where.zones())


def destinations_of(design: Design, spec: BoxSpec) -> Destinations:
    """Where the spec's boxes go with the design's saved address."""
    row = address_of(design)
    countries = (
        recipient_countries(design)
        if Delivery.has(spec.delivery) and Delivery(spec.delivery).to_recipients
        else []
    )
    return destinations_for(spec, row.address() if row else None, row.boxes if row else None, countries)


def keep_address(design: Design, spec: BoxSpec, address: Address, office_boxes: int | None) -> None:
    """Add or change the design's delivery address in the session (the step's save commits it).

    Refused at the field when the address cannot be delivered (``check_address``), or when a
    split sends all boxes or none to the address. A bulk delivery with the address left blank
    removes the saved one (the buyer cleared it). The caller has checked the design is editable.
    """
    kind = Delivery(spec.delivery)
    if address.is_blank() and not kind.to_recipients:
        if (row := address_of(design)) is not None:
            db.session.delete(row)
            _address_changed(design)
        return
    checked = check_address(address)
    problems = dict(checked.errors)
    if kind.to_recipients and kind.to_address:
        if spec.quantity < 2:
            problems["delivery"] = (
                "A split needs at least 2 boxes: some to the address, the rest to recipients."
            )
        elif office_boxes is None or not 1 <= office_boxes < spec.quantity:
            problems["office_boxes"] = (
                f"Enter how many of the {spec.quantity} boxes go to this address (1 to {spec.quantity - 1}); "
                "the rest go to recipients."
            )
    if problems:
        raise Invalid("Please correct the delivery address.", problems)
    row = address_of(design)
    if row is None:
        row = DeliveryAddress(design_id=design.id, organisation_id=design.organisation_id)
        db.session.add(row)
    row.set_address(checked.address)
    row.boxes = office_share(kind, spec.quantity, office_boxes) if kind.to_recipients else None
    _address_changed(design)


def copy_address(source: Design, design: Design) -> None:
    """Give a new draft the address of the design it copies (same organisation; the caller commits)."""
    row = address_of(source)
    if row is None or source.organisation_id != design.organisation_id:
        return
    copy = DeliveryAddress(design_id=design.id, organisation_id=design.organisation_id, boxes=row.boxes)
    copy.set_address(row.address())
    db.session.add(copy)
    _address_changed(design)


def freeze_into(order: Order, design: Design) -> DeliveryAddress | None:
    """Copy the design's address into the order (the caller commits): what the parcels go to."""
    row = address_of(design)
    if row is None:
        return None
    copy = DeliveryAddress(order_id=order.id, organisation_id=order.organisation_id, boxes=row.boxes)
    copy.set_address(row.address())
    db.session.add(copy)
    return copy


@dataclass(frozen=True)
class ShipTo:
    """Where an order's boxes go, as the buyer's and staff's order pages show it."""

    lines: tuple[str, ...]
    phone: str
    hours: str
    instructions: str
    boxes: int | None
    """For a split, the boxes going here; None when all of them do."""


def ship_to(order: Order) -> ShipTo | None:
    """The order's frozen delivery address, for pages only its organisation and staff open."""
    spec = BoxSpec.from_dict(order.spec)
    row = address_of_order(order)
    if row is None or not (Delivery.has(spec.delivery) and Delivery(spec.delivery).to_address):
        return None
    return ShipTo(label_lines(row.address()), row.phone, row.hours, row.instructions, row.boxes)
