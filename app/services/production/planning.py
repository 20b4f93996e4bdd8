"""The plan: the queue poured into the workshop calendar, and staff's views of open jobs and orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import DeliveryAddress, Order, Organisation, ProductionJob
from app.services import delivery
from app.services.production._shared import (
    CLAIMABLE,
    IN_LIVE_ORDER,
    OPEN_WORK,
    Version,
    backlog_version,
    remembered,
    today,
)
from app.services.production.capacity import current_capacity
from configurator.leadtime import Capacity, add_working_days, plan_load
from configurator.spec import BoxSpec
from configurator.states import JobStatus, OrderStatus

OPEN_ORDER_STATES = (
    OrderStatus.CONFIRMED,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.QUALITY_CHECK,
    OrderStatus.PACKED,
)


@dataclass(frozen=True)
class _OpenJob:
    order_id: int
    status: str
    minutes_left: int


def _open_jobs() -> list[_OpenJob]:
    """Every job with work left, in queue order, as plain rows (no ORM objects)."""
    rows = db.session.execute(
        select(ProductionJob.order_id, ProductionJob.status, ProductionJob.minutes_left)
        .where(OPEN_WORK)
        .order_by(ProductionJob.priority, ProductionJob.id)
    )
    return [_OpenJob(*row) for row in rows]


def backlog_minutes(version: Version | None = None) -> int:
    """Maker minutes still to do in every live order: the queue the configurator waits behind.

    ``version`` is the backlog version the caller already read (one query fewer per page).
    """

    def total() -> int:
        found = db.session.scalar(
            select(func.coalesce(func.sum(ProductionJob.minutes_left), 0)).where(OPEN_WORK)
        )
        return int(found or 0)

    return remembered(("backlog_minutes", version or backlog_version()), total)


@dataclass(frozen=True)
class WeekLoad:
    start: date
    capacity_hours: float
    planned_hours: float

    @property
    def percent(self) -> int:
        return round(100 * self.planned_hours / self.capacity_hours) if self.capacity_hours else 0


@dataclass(frozen=True)
class OrderOutlook:
    order_id: int
    needed_by: date | None
    production_done: date
    ship_by: date
    delivery: date
    at_risk: bool
    late: bool
    remaining_hours: float


@dataclass(frozen=True)
class Plan:
    """Plain data, shared by the requests that ask for the same backlog version: read it, never change it."""

    weeks: tuple[WeekLoad, ...]
    outlook: Mapping[int, OrderOutlook]
    overflow_hours: float
    backlog_hours: float
    at_risk: tuple[OrderOutlook, ...]
    """The open orders expected after their date (or already late), soonest date first."""


def plan(on: date | None = None, weeks: int = 6) -> Plan:
    """Pour the queue into the workshop calendar: load per week and each open order's outlook.

    Computed once per backlog version (and day, calendar, horizon), so a busy workshop's pages
    cost what an idle one's do.
    """
    on = on or today()
    version = backlog_version()
    capacity = current_capacity(version)
    return remembered(("plan", version, on, capacity, weeks), lambda: _pour(on, capacity, weeks))


def _addresses(order_ids: list[int]) -> dict[int, tuple[str, int | None]]:
    """The country and office share of each order's delivery address, in one query."""
    if not order_ids:
        return {}
    rows = db.session.execute(
        select(DeliveryAddress.order_id, DeliveryAddress.country, DeliveryAddress.boxes).where(
            DeliveryAddress.order_id.in_(order_ids)
        )
    )
    return {order_id: (country, boxes) for order_id, country, boxes in rows}


def _pour(on: date, capacity: Capacity, weeks: int) -> Plan:
    jobs = _open_jobs()
    load = plan_load(on, ((j.order_id, j.minutes_left) for j in jobs), capacity, horizon_days=weeks * 7)
    by_week: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day in load.days:
        monday = date.fromordinal(day.day.toordinal() - day.day.weekday())
        by_week[monday][0] += day.capacity_minutes
        by_week[monday][1] += day.planned_minutes
    week_loads = tuple(
        WeekLoad(start, round(c / 60, 1), round(p / 60, 1)) for start, (c, p) in sorted(by_week.items())
    )
    remaining: dict[int, int] = defaultdict(int)
    for job in jobs:
        remaining[job.order_id] += job.minutes_left
    outlook = {}
    open_orders = db.session.execute(
        select(Order.id, Order.status, Order.spec).where(Order.status.in_(OPEN_ORDER_STATES))
    ).all()
    addresses = _addresses([order.id for order in open_orders])
    for order in open_orders:
        spec = BoxSpec.from_dict(order.spec)
        needed = spec.needed_by
        done = load.finish.get(order.id, on)
        if order.status == OrderStatus.PACKED:
            ship_by = add_working_days(on, 1, capacity)
        else:
            qa_days = capacity.qa_pack_days if order.status != OrderStatus.QUALITY_CHECK else 1
            ship_by = add_working_days(done, qa_days, capacity)
        country, office_boxes = addresses.get(order.id, (None, None))
        transit = delivery.slowest_transit(spec, country, office_boxes, capacity)
        arrives = add_working_days(ship_by, transit, capacity)
        outlook[order.id] = OrderOutlook(
            order_id=order.id,
            needed_by=needed,
            production_done=done,
            ship_by=ship_by,
            delivery=arrives,
            at_risk=needed is not None and arrives > needed,
            late=needed is not None and needed < on,
            remaining_hours=round(remaining[order.id] / 60, 1),
        )
    risky = sorted(
        (o for o in outlook.values() if o.at_risk or o.late),
        key=lambda o: (o.needed_by or date.max, o.order_id),
    )
    return Plan(
        week_loads,
        MappingProxyType(outlook),
        round(load.overflow_minutes / 60, 1),
        round(sum(remaining.values()) / 60, 1),
        tuple(risky),
    )


def at_risk(the_plan: Plan) -> list[tuple[OrderOutlook, Order]]:
    """The plan's orders at risk, each with its order (and organisation) for the page."""
    if not the_plan.at_risk:
        return []
    ids = [o.order_id for o in the_plan.at_risk]
    query = select(Order).where(Order.id.in_(ids)).options(joinedload(Order.organisation))
    found = {order.id: order for order in db.session.scalars(query)}
    return [(o, found[o.order_id]) for o in the_plan.at_risk if o.order_id in found]


def job_counts() -> Mapping[str, int]:
    """Open jobs by stage of work, for the dashboard's row of numbers (counted once per backlog version)."""
    return remembered(("job_counts", backlog_version()), _count_jobs)


def _count_jobs() -> Mapping[str, int]:
    rows = db.session.execute(
        select(ProductionJob.status, func.count()).where(IN_LIVE_ORDER).group_by(ProductionJob.status)
    ).all()
    counts = dict.fromkeys(JobStatus, 0)
    counts.update({status: n for status, n in rows})
    return MappingProxyType(counts)


def open_jobs(status: str | None = None) -> list[ProductionJob]:
    """Jobs not done of orders not cancelled (only those in ``status`` when given), in queue order."""
    query = select(ProductionJob).where(OPEN_WORK).options(joinedload(ProductionJob.order))
    if status is not None:
        query = query.where(ProductionJob.status == status)
    return list(db.session.scalars(query.order_by(ProductionJob.priority, ProductionJob.id)))


def ready_job_ids() -> set[int]:
    """Queued jobs makers can take now (earlier stages of their order done)."""
    return set(db.session.scalars(select(ProductionJob.id).where(CLAIMABLE)))


def filter_orders(
    status: str | None = None,
    organisation_id: int | None = None,
    risk_only: bool = False,
    the_plan: Plan | None = None,
) -> list[Order]:
    query = select(Order).order_by(Order.created_at.desc(), Order.id.desc())
    if status:
        query = query.where(Order.status == status)
    if organisation_id:
        query = query.where(Order.organisation_id == organisation_id)
    found = list(db.session.scalars(query))
    if risk_only and the_plan is not None:
        found = [o for o in found if (x := the_plan.outlook.get(o.id)) and (x.at_risk or x.late)]
    return found


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def order_states() -> list[str]:
    """Every order status in the order of the lifecycle (the enum lists them so), for the filter."""
    return list(OrderStatus)
