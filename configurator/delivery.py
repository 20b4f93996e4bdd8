"""When a design can arrive, and whether the buyer's needed-by date needs rush production."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from configurator.catalog import Catalog
from configurator.leadtime import Capacity, arrival, earliest_ship_date, order_maker_minutes, transit_days
from configurator.shipping import Destinations
from configurator.skills import Workshop, order_skill_minutes
from configurator.spec import BoxSpec
from configurator.vocabulary import ShippingZone


@dataclass(frozen=True)
class DeliveryPlan:
    standard: date
    """Latest arrival of any box when the order joins the back of the queue."""
    rush: date
    """Latest arrival of any box when the order goes to the front of the queue (rush fee)."""
    needed_by: date | None
    rush_needed: bool
    feasible: bool
    message: str
    arrivals: tuple[tuple[ShippingZone, date], ...] = ()
    """For each zone boxes go to, the latest day a box there arrives (at the expected pace)."""
    note: str = ""
    """How the zones and unknown addresses shape the dates, in a sentence; empty when nothing to add."""

    @property
    def expected(self) -> date:
        return self.rush if self.rush_needed else self.standard


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def plan_delivery(
    spec: BoxSpec,
    catalog: Catalog,
    today: date,
    backlog_minutes: int,
    capacity: Capacity,
    destinations: Destinations | None = None,
    workshop: Workshop | None = None,
) -> DeliveryPlan:
    """Compare the needed-by date with the standard and rush dates; pure, so ``today`` is passed in.

    The dates are those of the slowest zone the boxes travel to: the latest day a recipient can
    expect their box. Without ``destinations`` (or a shipping table) every box takes the
    capacity's own shipping days. With ``workshop`` (each skill's makers and queue) the order's
    work of each skill waits behind that skill's queue, and production ends with its slowest skill.
    """
    if workshop is None:
        minutes = order_maker_minutes(spec, catalog)
        shipped = earliest_ship_date(today, backlog_minutes, minutes, capacity)
        shipped_rush = earliest_ship_date(today, 0, minutes, capacity)
    else:
        by_skill = order_skill_minutes(spec, catalog)
        shipped = workshop.ship_date(today, by_skill)
        shipped_rush = workshop.ship_date(today, by_skill, rush=True)
    table = catalog.shipping if destinations is not None else None
    zones = sorted(destinations.zones() if destinations and table else (), key=list(ShippingZone).index)
    slowest = max((transit_days(table, z, capacity) for z in zones), default=None)
    standard, rush = arrival(shipped, capacity, slowest), arrival(shipped_rush, capacity, slowest)
    needed = spec.needed_by
    rush_needed = needed is not None and needed < standard
    pace = shipped_rush if rush_needed else shipped
    arrivals = tuple((z, arrival(pace, capacity, transit_days(table, z, capacity))) for z in zones)
    note = _note(arrivals, destinations)
    if needed is None:
        return DeliveryPlan(
            standard, rush, None, False, True, f"Earliest delivery: {_day(standard)}.", arrivals, note
        )
    if needed >= standard:
        message = f"On time: we expect to deliver by {_day(standard)}, before your date ({_day(needed)})."
        return DeliveryPlan(standard, rush, needed, False, True, message, arrivals, note)
    if needed >= rush:
        message = (
            f"Your date ({_day(needed)}) needs rush production: we can deliver by {_day(rush)}. "
            "A rush fee is added to the quote."
        )
        return DeliveryPlan(standard, rush, needed, True, True, message, arrivals, note)
    message = (
        f"We cannot deliver by {_day(needed)}: the earliest we can manage, even with rush production, "
        f"is {_day(rush)}. Choose a later date or fewer boxes."
    )
    return DeliveryPlan(standard, rush, needed, True, False, message, arrivals, note)


def _note(arrivals: tuple[tuple[ShippingZone, date], ...], destinations: Destinations | None) -> str:
    """Where the boxes go shapes the dates: when each zone's boxes arrive, the latest a recipient
    can expect theirs, and what is assumed while addresses are missing."""
    if destinations is None or not arrivals:
        return ""
    parts = []
    if len(arrivals) > 1:
        each = ", ".join(f"{zone.label.lower()} by {_day(d)}" for zone, d in arrivals)
        parts.append(f"By zone: {each}.")
    if destinations.recipients or destinations.unplaced:
        parts.append(f"The latest a recipient can expect their box: {_day(max(d for _, d in arrivals))}.")
    if destinations.estimated:
        abroad = "recipients" if destinations.unplaced else "the address"
        parts.append(
            f"Until we know {abroad} we assume delivery within the country we ship from; "
            "boxes abroad take a few more days and cost more."
        )
    return " ".join(parts)
