"""Where boxes travel, what that costs and how long it takes: zones, rates and transit days.

The table is catalog data (``shipping`` in ``data/catalog.yaml``). Pure: the quote
(:mod:`configurator.pricing`) and the delivery estimate (:mod:`configurator.delivery`) read it
through :class:`Destinations`, built from the spec's delivery and what is known of the addresses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from configurator.vocabulary import Delivery, ShippingZone


@dataclass(frozen=True)
class ZoneRate:
    zone: ShippingZone
    bulk_per_box: Decimal
    """Per box, when many boxes go together to one address (cartons on one delivery)."""
    per_recipient: Decimal
    """Per box sent on its own to a person."""
    transit_days: int
    """Working days from handing the parcel to the carrier to its arrival, at the longest."""


@dataclass(frozen=True)
class ShippingTable:
    origin: str
    """The country the workshop ships from (ISO code): boxes to it are domestic."""
    neighbours: frozenset[str]
    rates: Mapping[ShippingZone, ZoneRate]

    def zone_of(self, country: str) -> ShippingZone:
        code = country.strip().upper()
        if code == self.origin:
            return ShippingZone.DOMESTIC
        if code in self.neighbours:
            return ShippingZone.NEIGHBOURING
        return ShippingZone.INTERNATIONAL


@dataclass(frozen=True)
class Destinations:
    """Where a design's boxes go, as far as it is known.

    ``address_zone`` is None while the delivery address is not entered yet, and
    ``unplaced`` counts boxes for recipients not added yet: both are priced and scheduled as
    domestic, and the quote and the estimate say so.
    """

    address_boxes: int = 0
    address_zone: ShippingZone | None = None
    recipients: tuple[tuple[ShippingZone, int], ...] = ()
    """Boxes to recipients whose country is known, by zone."""
    unplaced: int = 0

    @property
    def boxes(self) -> int:
        return self.address_boxes + sum(n for _, n in self.recipients) + self.unplaced

    @property
    def estimated(self) -> bool:
        """Whether some boxes are priced and scheduled on the domestic assumption."""
        return self.unplaced > 0 or (self.address_boxes > 0 and self.address_zone is None)

    def zones(self) -> frozenset[ShippingZone]:
        """The zones boxes travel to (domestic standing in for what is not known yet)."""
        found = {zone for zone, n in self.recipients if n > 0}
        if self.address_boxes:
            found.add(self.address_zone or ShippingZone.DOMESTIC)
        if self.unplaced or not found:
            found.add(ShippingZone.DOMESTIC)
        return frozenset(found)


def office_share(delivery: str, quantity: int, office_boxes: int | None) -> int:
    """How many boxes go to the one address: all for bulk, none per recipient, the buyer's number
    for a split (kept inside 1 … quantity − 1, so a split always sends some each way)."""
    kind = Delivery(delivery)
    if not kind.to_recipients:
        return quantity
    if not kind.to_address:
        return 0
    if quantity < 2:
        return quantity
    return min(max(office_boxes or 1, 1), quantity - 1)


def destinations(
    delivery: str,
    quantity: int,
    table: ShippingTable,
    *,
    address_country: str | None = None,
    office_boxes: int | None = None,
    recipient_countries: Iterable[str] = (),
) -> Destinations:
    """Where ``quantity`` boxes go for a delivery kind, from the address and recipients known so far.

    Recipients beyond the boxes left for them are ignored (the quantity rules); boxes without
    a recipient yet are ``unplaced``.
    """
    to_address = office_share(delivery, quantity, office_boxes)
    left = quantity - to_address
    counts: dict[ShippingZone, int] = {}
    for country in recipient_countries:
        if left <= 0:
            break
        zone = table.zone_of(country)
        counts[zone] = counts.get(zone, 0) + 1
        left -= 1
    return Destinations(
        address_boxes=to_address,
        address_zone=table.zone_of(address_country) if address_country and to_address else None,
        recipients=tuple((zone, counts[zone]) for zone in ShippingZone if zone in counts),
        unplaced=max(left, 0),
    )
