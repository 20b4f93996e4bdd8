"""When an order can ship and arrive, from maker time and the workshop's capacity.

Pure: ``today`` is always passed in, so estimates are testable and the same on every worker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from configurator.catalog import Catalog
from configurator.jobs import ASSEMBLY_MINUTES, CARD_MINUTES
from configurator.spec import BoxSpec

ASSEMBLY_MINUTES_PER_BOX = CARD_MINUTES + ASSEMBLY_MINUTES
"""Writing the card and assembling and packing the box, as the production jobs count them."""


@dataclass(frozen=True)
class Capacity:
    maker_minutes_per_day: int = 6 * 60 * 6
    """Six makers, six paid hours each."""
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    """Weekdays as ``date.weekday()`` numbers: Monday is 0."""
    holidays: frozenset[date] = frozenset()
    qa_pack_days: int = 2
    shipping_days: int = 3

    def __post_init__(self) -> None:
        # Either mistake would make the day-counting loops below run forever.
        if self.maker_minutes_per_day <= 0:
            raise ValueError("maker_minutes_per_day must be positive")
        if not self.working_days <= set(range(7)) or not self.working_days:
            raise ValueError("working_days must be a non-empty set of weekday numbers 0-6")

    def is_working_day(self, d: date) -> bool:
        return d.weekday() in self.working_days and d not in self.holidays


def order_maker_minutes(spec: BoxSpec, catalog: Catalog) -> int:
    """Paid maker time for the whole order, including assembling every box."""
    per_box = sum(catalog.products[i.product_id].maker_minutes * i.quantity for i in spec.items)
    return (per_box + ASSEMBLY_MINUTES_PER_BOX) * spec.quantity


def add_working_days(d: date, n: int, capacity: Capacity) -> date:
    """Return the n-th working day after ``d`` (``d`` itself when n is 0)."""
    if n < 0:
        raise ValueError("n must not be negative")
    while n:
        d += timedelta(days=1)
        if capacity.is_working_day(d):
            n -= 1
    return d


def earliest_ship_date(today: date, backlog_minutes: int, order_minutes: int, capacity: Capacity) -> date:
    """Production starts the next working day, after the backlog; then quality check and packing."""
    minutes = max(backlog_minutes, 0) + max(order_minutes, 0)
    production_days = max(1, math.ceil(minutes / capacity.maker_minutes_per_day))
    last_production_day = add_working_days(today, production_days, capacity)
    return add_working_days(last_production_day, capacity.qa_pack_days, capacity)


def earliest_delivery_date(today: date, backlog_minutes: int, order_minutes: int, capacity: Capacity) -> date:
    """Ship date plus the carrier's working days."""
    shipped = earliest_ship_date(today, backlog_minutes, order_minutes, capacity)
    return add_working_days(shipped, capacity.shipping_days, capacity)
