"""The plan: the queue poured into the workshop calendar, and staff's views of open jobs and orders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Order, Organisation, ProductionJob
from app.services.production._shared import claimable, in_live_order, open_work, today
from app.services.production.capacity import current_capacity
from configurator.leadtime import add_working_days, plan_load
from configurator.spec import BoxSpec
from configurator.states import JobStatus, OrderStatus

OPEN_ORDER_STATES = ("confirmed", "in_production", "quality_check", "packed")


def _open_jobs() -> list[ProductionJob]:
    return list(
        db.session.scalars(
            select(ProductionJob).where(open_work()).order_by(ProductionJob.priority, ProductionJob.id)
        )
    )


def backlog_minutes() -> int:
    """Maker minutes still to do in every live order: the queue the configurator waits behind."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(ProductionJob.minutes_left), 0)).where(open_work())
    )
    return int(total or 0)


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
    order: Order
    needed_by: date | None
    production_done: date
    ship_by: date
    delivery: date
    at_risk: bool
    late: bool
    remaining_hours: float


@dataclass(frozen=True)
class Plan:
    weeks: list[WeekLoad]
    outlook: dict[int, OrderOutlook]
    overflow_hours: float
    backlog_hours: float


def plan(on: date | None = None, weeks: int = 6) -> Plan:
    """Pour the queue into the workshop calendar: load per week and each open order's outlook."""
    on = on or today()
    capacity = current_capacity()
    jobs = _open_jobs()
    load = plan_load(on, ((j.order_id, j.minutes_left) for j in jobs), capacity, horizon_days=weeks * 7)
    by_week: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day in load.days:
        monday = date.fromordinal(day.day.toordinal() - day.day.weekday())
        by_week[monday][0] += day.capacity_minutes
        by_week[monday][1] += day.planned_minutes
    week_loads = [
        WeekLoad(start, round(c / 60, 1), round(p / 60, 1)) for start, (c, p) in sorted(by_week.items())
    ]
    outlook = {}
    open_orders = db.session.scalars(
        select(Order).where(Order.status.in_(OPEN_ORDER_STATES)).options(selectinload(Order.jobs))
    ).all()
    for order in open_orders:
        needed = BoxSpec.from_dict(order.spec).needed_by
        done = load.finish.get(order.id, on)
        if order.status == "packed":
            ship_by = add_working_days(on, 1, capacity)
        else:
            qa_days = capacity.qa_pack_days if order.status != "quality_check" else 1
            ship_by = add_working_days(done, qa_days, capacity)
        delivery = add_working_days(ship_by, capacity.shipping_days, capacity)
        outlook[order.id] = OrderOutlook(
            order=order,
            needed_by=needed,
            production_done=done,
            ship_by=ship_by,
            delivery=delivery,
            at_risk=needed is not None and delivery > needed,
            late=needed is not None and needed < on,
            remaining_hours=round(order.minutes_left / 60, 1),
        )
    return Plan(
        week_loads,
        outlook,
        round(load.overflow_minutes / 60, 1),
        round(sum(j.minutes_left for j in jobs) / 60, 1),
    )


def job_counts() -> dict[str, int]:
    """Open jobs by stage of work, for the dashboard's row of numbers."""
    rows = db.session.execute(
        select(ProductionJob.status, func.count()).where(in_live_order()).group_by(ProductionJob.status)
    ).all()
    counts = dict.fromkeys(JobStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


def open_jobs(status: str | None = None) -> list[ProductionJob]:
    jobs = _open_jobs()
    return [j for j in jobs if status is None or j.status == status]


def ready_job_ids() -> set[int]:
    """Queued jobs makers can take now (earlier stages of their order done)."""
    return set(db.session.scalars(select(ProductionJob.id).where(claimable())))


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
