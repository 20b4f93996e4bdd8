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
from app.services.production.skills import calendar
from configurator.catalog import load_catalog
from configurator.jobs import skill_of
from configurator.leadtime import Capacity, LoadPlan, add_working_days, plan_load
from configurator.skills import SkillCalendar, Workshop
from configurator.spec import BoxSpec
from configurator.states import JobStatus, OrderStatus
from configurator.vocabulary import JobKind, Skill

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
    skill: Skill | None


def _open_jobs() -> list[_OpenJob]:
    """Every job with work left, in queue order, as plain rows (no ORM objects)."""
    catalog = load_catalog()
    rows = db.session.execute(
        select(
            ProductionJob.order_id,
            ProductionJob.status,
            ProductionJob.minutes_left,
            ProductionJob.kind,
            ProductionJob.product_id,
        )
        .where(OPEN_WORK)
        .order_by(ProductionJob.priority, ProductionJob.id)
    )
    return [
        _OpenJob(order_id, status, left, skill_of(JobKind(kind), product_id, catalog))
        for order_id, status, left, kind, product_id in rows
    ]


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


def backlog_by_skill(version: Version | None = None) -> Mapping[Skill | None, int]:
    """:func:`backlog_minutes` per skill: the queue each kind of work waits behind."""

    def total() -> Mapping[Skill | None, int]:
        catalog = load_catalog()
        found: dict[Skill | None, int] = defaultdict(int)
        rows = db.session.execute(
            select(ProductionJob.kind, ProductionJob.product_id, func.sum(ProductionJob.minutes_left))
            .where(OPEN_WORK)
            .group_by(ProductionJob.kind, ProductionJob.product_id)
        )
        for kind, product_id, minutes in rows:
            found[skill_of(JobKind(kind), product_id, catalog)] += int(minutes or 0)
        return MappingProxyType(dict(found))

    return remembered(("backlog_by_skill", version or backlog_version()), total)


def workshop(version: Version | None = None) -> Workshop:
    """The calendar of each skill and the queue of each: what the delivery estimate waits behind."""
    version = version or backlog_version()
    return Workshop(calendar(version), backlog_by_skill(version))


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
    limited_by: Skill | None = None
    """The kind of work that finishes last, when it (not the whole workshop's hours) sets the date."""

    @property
    def limit_sentence(self) -> str:
        if self.limited_by is None:
            return ""
        return (
            f"{self.limited_by.label} sets this date: the makers who do it are booked"
            f" until {self.production_done:%a %d %b}."
        )


@dataclass(frozen=True)
class SkillLoad:
    skill: Skill
    weeks: tuple[WeekLoad, ...]
    """Planned hours of this kind of work against the hours of the makers who do it."""


@dataclass(frozen=True)
class Plan:
    """Plain data, shared by the requests that ask for the same backlog version: read it, never change it."""

    weeks: tuple[WeekLoad, ...]
    outlook: Mapping[int, OrderOutlook]
    overflow_hours: float
    backlog_hours: float
    at_risk: tuple[OrderOutlook, ...]
    """The open orders expected after their date (or already late), soonest date first."""
    skills: tuple[SkillLoad, ...] = ()
    """Each kind of work with jobs open or makers who do it, in the vocabulary's order."""


def plan(on: date | None = None, weeks: int = 6) -> Plan:
    """Pour the queue into the workshop calendar: load per week and each open order's outlook.

    Computed once per backlog version (and day, calendar, horizon), so a busy workshop's pages
    cost what an idle one's do.
    """
    on = on or today()
    version = backlog_version()
    capacity = current_capacity(version)
    skills = calendar(version)
    return remembered(("plan", version, on, capacity, weeks), lambda: _pour(on, capacity, skills, weeks))


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


def _weeks(load: LoadPlan) -> tuple[WeekLoad, ...]:
    by_week: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day in load.days:
        monday = date.fromordinal(day.day.toordinal() - day.day.weekday())
        by_week[monday][0] += day.capacity_minutes
        by_week[monday][1] += day.planned_minutes
    return tuple(
        WeekLoad(start, round(c / 60, 1), round(p / 60, 1)) for start, (c, p) in sorted(by_week.items())
    )


def _pour(on: date, capacity: Capacity, skills: SkillCalendar, weeks: int) -> Plan:
    """The queue poured into the whole workshop's hours and each skill's work into its makers' hours:
    an order is done when the last of them is (see :mod:`configurator.skills`)."""
    jobs = _open_jobs()
    horizon = weeks * 7
    load = plan_load(on, ((j.order_id, j.minutes_left) for j in jobs), skills.pool, horizon_days=horizon)
    week_loads = _weeks(load)
    finish = dict(load.finish)
    limited: dict[int, Skill] = {}
    skill_loads = []
    for skill in Skill:
        work = [(j.order_id, j.minutes_left) for j in jobs if j.skill == skill]
        if not work and skill not in skills.skills:
            continue
        poured = plan_load(on, work, skills.capacity_for(skill), horizon_days=horizon)
        skill_loads.append(SkillLoad(skill, _weeks(poured)))
        for order_id, day in poured.finish.items():
            if day > finish.get(order_id, on):
                finish[order_id] = day
                limited[order_id] = skill
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
        done = finish.get(order.id, on)
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
            limited_by=limited.get(order.id),
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
        tuple(skill_loads),
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
