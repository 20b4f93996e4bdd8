"""When an order can ship and arrive, from maker time and the workshop's capacity.

Pure: ``today`` is always passed in, so estimates are testable and the same on every worker.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from configurator.catalog import Catalog
from configurator.jobs import ASSEMBLY_MINUTES, CARD_MINUTES, plan_jobs
from configurator.shipping import ShippingTable
from configurator.spec import BoxSpec
from configurator.vocabulary import ShippingZone

MAX_SEARCH_DAYS = 366 * 20
"""No plan looks further ahead than this; a calendar with no capacity at all fails instead of hanging."""

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
    weekday_minutes: tuple[int, ...] | None = None
    """Maker minutes for each weekday, Monday first (7 numbers), when days differ; overrides
    ``maker_minutes_per_day``. A weekday with 0 minutes should be left out of ``working_days``."""
    date_minutes: tuple[tuple[date, int], ...] = field(default=())
    """Exceptions for single dates (a short day, an extra Saturday); closed days go in ``holidays``."""

    def __post_init__(self) -> None:
        # Either mistake would make the day-counting loops below run forever.
        if self.maker_minutes_per_day <= 0:
            raise ValueError("maker_minutes_per_day must be positive")
        if not self.working_days <= set(range(7)) or not self.working_days:
            raise ValueError("working_days must be a non-empty set of weekday numbers 0-6")
        if self.weekday_minutes is not None:
            if len(self.weekday_minutes) != 7 or min(self.weekday_minutes) < 0:
                raise ValueError("weekday_minutes must be 7 non-negative numbers, Monday first")
            if not any(self.weekday_minutes[d] > 0 for d in self.working_days):
                raise ValueError("at least one working day must have maker minutes")

    def is_working_day(self, d: date) -> bool:
        return d.weekday() in self.working_days and d not in self.holidays

    def minutes_on(self, d: date) -> int:
        """Maker minutes available on ``d``: 0 on closed days."""
        for special, minutes in self.date_minutes:
            if special == d and d not in self.holidays:
                return max(minutes, 0)
        if d in self.holidays:
            return 0
        return self.minutes_on_weekday(d.weekday())

    def minutes_on_weekday(self, weekday: int) -> int:
        """Usual maker minutes of a weekday (``date.weekday()`` number), special dates aside: 0 when closed."""
        if weekday not in self.working_days:
            return 0
        if self.weekday_minutes is not None:
            return self.weekday_minutes[weekday]
        return self.maker_minutes_per_day


def order_maker_minutes(spec: BoxSpec, catalog: Catalog) -> int:
    """Paid maker time for the whole order: exactly the production jobs it will become."""
    return sum(plan.maker_minutes for plan in plan_jobs(spec, catalog))


def add_working_days(d: date, n: int, capacity: Capacity) -> date:
    """Return the n-th working day after ``d`` (``d`` itself when n is 0)."""
    if n < 0:
        raise ValueError("n must not be negative")
    while n:
        d += timedelta(days=1)
        if capacity.is_working_day(d):
            n -= 1
    return d


def production_end(today: date, minutes: int, capacity: Capacity) -> date:
    """The day ``minutes`` of work is finished, filling each day after ``today`` to its capacity.

    Even no work takes one production day: the order still passes through the workshop. Whole
    ordinary weeks (no holiday or special date in them) are skipped at once, so a long backlog
    costs what a short one does.
    """
    remaining = max(minutes, 0)
    d = today
    days = 0
    while days < MAX_SEARCH_DAYS:
        weeks = _ordinary_weeks(capacity, d, remaining)
        d, days, remaining = d + timedelta(weeks=weeks), days + 7 * weeks, remaining - weeks * _week(capacity)
        d += timedelta(days=1)
        days += 1
        available = capacity.minutes_on(d)
        if available <= 0:
            continue
        remaining -= available
        if remaining <= 0:
            return d
    raise ValueError("the workshop calendar has no capacity in the next twenty years")


def _week(capacity: Capacity) -> int:
    """Maker minutes of a week without holidays or special dates."""
    return sum(capacity.minutes_on_weekday(n) for n in range(7))


def _ordinary_weeks(capacity: Capacity, after: date, remaining: int) -> int:
    """How many whole weeks after ``after`` the work outlasts, before the next holiday or special date."""
    specials = [x for x in capacity.holidays if x > after] + [
        x for x, _ in capacity.date_minutes if x > after
    ]
    weeks = (remaining - 1) // _week(capacity)
    if specials:
        weeks = min(weeks, ((min(specials) - after).days - 1) // 7)
    return max(weeks, 0)


def earliest_ship_date(today: date, backlog_minutes: int, order_minutes: int, capacity: Capacity) -> date:
    """Production starts the next working day, after the backlog; then quality check and packing."""
    minutes = max(backlog_minutes, 0) + max(order_minutes, 0)
    last_production_day = production_end(today, minutes, capacity)
    return add_working_days(last_production_day, capacity.qa_pack_days, capacity)


def earliest_delivery_date(
    today: date, backlog_minutes: int, order_minutes: int, capacity: Capacity, transit_days: int | None = None
) -> date:
    """Ship date plus the carrier's working days (``transit_days``, by default the capacity's own)."""
    shipped = earliest_ship_date(today, backlog_minutes, order_minutes, capacity)
    return arrival(shipped, capacity, transit_days)


def arrival(shipped: date, capacity: Capacity, transit_days: int | None = None) -> date:
    """When a box handed to the carrier on ``shipped`` arrives: its zone's transit days later."""
    days = capacity.shipping_days if transit_days is None else transit_days
    return add_working_days(shipped, days, capacity)


def transit_days(table: ShippingTable | None, zone: ShippingZone, capacity: Capacity) -> int:
    """A zone's transit days from the catalog; the capacity's own when the catalog has no table."""
    return table.rates[zone].transit_days if table else capacity.shipping_days


@dataclass(frozen=True)
class DayLoad:
    day: date
    capacity_minutes: int
    planned_minutes: int


@dataclass(frozen=True)
class LoadPlan:
    days: tuple[DayLoad, ...]
    """Every day from tomorrow for the horizon asked for, closed days included (capacity 0)."""
    finish: dict[Hashable, date]
    """The day each piece of work is finished, when the queue is worked in the order given."""
    overflow_minutes: int
    """Work that does not fit in the horizon."""


def plan_load(
    today: date, work: Iterable[tuple[Hashable, int]], capacity: Capacity, horizon_days: int = 42
) -> LoadPlan:
    """Pour the queue (``(key, minutes)`` in priority order) into the days after ``today``.

    The same filling rule as :func:`earliest_ship_date`, so the staff's load chart and the
    buyer's promise never disagree. A key may appear several times (one entry per job); its
    finish day is that of its last minute.
    """
    if horizon_days < 1:
        raise ValueError("horizon_days must be at least 1")
    days = [today + timedelta(days=n) for n in range(1, horizon_days + 1)]
    free = [capacity.minutes_on(d) for d in days]
    planned = [0] * len(days)
    finish: dict[Hashable, date] = {}
    cursor = 0
    overflow = 0
    for key, minutes in work:
        remaining = max(minutes, 0)
        while remaining > 0 and cursor < len(days):
            room = free[cursor] - planned[cursor]
            if room <= 0:
                cursor += 1
                continue
            take = min(room, remaining)
            planned[cursor] += take
            remaining -= take
        if remaining > 0 or cursor >= len(days):
            overflow += remaining
            done = production_end(days[-1], overflow, capacity)
        elif minutes > 0:
            done = days[cursor]
        else:  # no work left: it is done on the next day the workshop is open
            opening = next((d for d, f in zip(days[cursor:], free[cursor:], strict=True) if f > 0), None)
            done = opening or production_end(days[-1], 0, capacity)
        finish[key] = max(finish.get(key, done), done)
    loads = tuple(DayLoad(d, c, p) for d, c, p in zip(days, free, planned, strict=True))
    return LoadPlan(loads, finish, overflow)
