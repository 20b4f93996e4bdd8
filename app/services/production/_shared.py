"""Helpers the production modules share: the claimable-job condition, order locks, job walks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import case, exists, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Order, ProductionJob, User
from app.services import orders
from configurator.jobs import STAGES
from configurator.states import JOB

HELD = ("claimed", "in_progress", "paused", "problem")


def today() -> date:
    return datetime.now(UTC).date()


def _stage(job: type[ProductionJob]):  # a SQL CASE expression
    return case(STAGES, value=job.kind, else_=1)


def claimable():  # a SQL condition
    """Queued, its order not cancelled, and every earlier stage of its order done."""
    earlier = aliased(ProductionJob)
    blocked = exists().where(
        earlier.order_id == ProductionJob.order_id,
        earlier.status != "done",
        _stage(earlier) < _stage(ProductionJob),
    )
    cancelled = select(Order.id).where(Order.status == "cancelled")
    return (ProductionJob.status == "queued") & ~blocked & ProductionJob.order_id.not_in(cancelled)


def lock(order: Order) -> Order:
    """Re-read the order under a row lock, so two makers cannot both move it (PostgreSQL).

    SQLite needs no lock: the job UPDATE before this already holds its single writer lock.
    """
    locked = db.session.scalars(
        select(Order).where(Order.id == order.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    return locked


def start_order(order: Order, actor: User | None) -> None:
    if order.status == "confirmed" and lock(order).status == "confirmed":
        orders.advance(order, "start_production", actor)


def walk(job: ProductionJob, *actions: str) -> str:
    state = job.status
    for action in actions:
        state = JOB.next(state, action)
    return state


def release_path(status: str) -> tuple[str, ...]:
    """The job machine's way back to the queue from where a job is: pause first if someone is working."""
    return {"in_progress": ("pause", "release")}.get(status, ("release",))
