"""When a design can arrive, and whether the buyer's needed-by date needs rush production."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from configurator.catalog import Catalog
from configurator.leadtime import Capacity, earliest_delivery_date, order_maker_minutes
from configurator.spec import BoxSpec


@dataclass(frozen=True)
class DeliveryPlan:
    standard: date
    """Earliest delivery when the order joins the back of the queue."""
    rush: date
    """Earliest delivery when the order goes to the front of the queue (rush fee)."""
    needed_by: date | None
    rush_needed: bool
    feasible: bool
    message: str

    @property
    def expected(self) -> date:
        return self.rush if self.rush_needed else self.standard


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def plan_delivery(
    spec: BoxSpec, catalog: Catalog, today: date, backlog_minutes: int, capacity: Capacity
) -> DeliveryPlan:
    """Compare the needed-by date with the standard and rush dates; pure, so ``today`` is passed in."""
    minutes = order_maker_minutes(spec, catalog)
    standard = earliest_delivery_date(today, backlog_minutes, minutes, capacity)
    rush = earliest_delivery_date(today, 0, minutes, capacity)
    needed = spec.needed_by
    if needed is None:
        return DeliveryPlan(standard, rush, None, False, True, f"Earliest delivery: {_day(standard)}.")
    if needed >= standard:
        message = f"On time: we expect to deliver by {_day(standard)}, before your date ({_day(needed)})."
        return DeliveryPlan(standard, rush, needed, False, True, message)
    if needed >= rush:
        message = (
            f"Your date ({_day(needed)}) needs rush production: we can deliver by {_day(rush)}. "
            "A rush fee is added to the quote."
        )
        return DeliveryPlan(standard, rush, needed, True, True, message)
    message = (
        f"We cannot deliver by {_day(needed)}: the earliest we can manage, even with rush production, "
        f"is {_day(rush)}. Choose a later date or fewer boxes."
    )
    return DeliveryPlan(standard, rush, needed, True, False, message)
