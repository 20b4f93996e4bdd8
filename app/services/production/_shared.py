"""Helpers the production modules share: the claimable-job condition, order locks, job moves."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar, cast

from flask import current_app
from sqlalchemy import case, exists, func, select, update
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import AuditEvent, Order, ProductionJob, User, utcnow
from app.services import orders, payments
from app.services.errors import Conflict
from configurator.states import JOB, IllegalTransition, JobStatus, OrderStatus
from configurator.vocabulary import JobKind

HELD = (JobStatus.CLAIMED, JobStatus.IN_PROGRESS, JobStatus.PAUSED, JobStatus.PROBLEM)
STALE_CLAIM = "Someone else changed this job a moment ago; nothing was changed."
RECENT = timedelta(minutes=2)
"""A refusal says "a moment ago" for a change this recent, and the time of day for an older one."""
MOVE_WORDS = {
    "job.claim": "{who} took this job",
    "job.start": "{who} started this job",
    "job.pause": "{who} paused this job",
    "job.finish": "{who} finished this job",
    "job.release": "{who} gave this job back",
    "job.report_problem": "{who} reported a problem with this job",
    "job.staff_release": "Staff took this job back to the queue",
    "job.assign": "Staff gave this job to {maker}",
    "job.priority": "Staff moved this job in the queue",
}
"""The last change of a job, as the person whose own change it overtook reads it."""
REMEMBERED = 16
"""Results a process keeps per app (plans, backlog minutes, calendars), each under its backlog version."""
NEWEST_EVENTS = 1000
"""How far back the backlog version counts events (see :func:`backlog_version`)."""
T = TypeVar("T")
_NEWEST = select(func.max(AuditEvent.id), func.count(), func.max(AuditEvent.at)).where(
    AuditEvent.id > select(func.max(AuditEvent.id)).scalar_subquery() - NEWEST_EVENTS
)
"""Built once: pages ask for the backlog version on every request."""


Version = tuple[int, int, datetime | None]


def backlog_version() -> Version:
    """A key that changes with every change of the backlog, read with one bounded index scan.

    Every change of a job or an order (creation, claim, move, priority, cancel, shipping) and of
    the workshop calendar writes an audit event in its own transaction, so the newest event id
    moves with it. The count of the newest events catches an event that commits after one with
    a higher id (PostgreSQL hands out ids before commit), and the newest time an id used again
    after a rollback of committed-looking rows (tests in savepoints); the cost does not grow
    with the log.
    """
    found = db.session.execute(_NEWEST).one()
    return int(found[0] or 0), int(found[1]), found[2]


def remembered(key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per key in this app; the key holds the backlog version, so a change is never missed."""
    kept: dict[tuple[Hashable, ...], Any] = current_app.extensions.setdefault("production.plans", {})
    if key not in kept:
        if len(kept) >= REMEMBERED:
            kept.clear()
        kept[key] = compute()
    return cast(T, kept[key])


def today() -> date:
    return datetime.now(UTC).date()


def _stage(job: type[ProductionJob]):  # a SQL CASE expression
    return case({kind.value: kind.stage for kind in JobKind}, value=job.kind, else_=1)


def _claimable():  # a SQL condition
    earlier = aliased(ProductionJob)
    blocked = exists().where(
        earlier.order_id == ProductionJob.order_id,
        earlier.status != JobStatus.DONE,
        _stage(earlier) < _stage(ProductionJob),
    )
    return (ProductionJob.status == JOB.initial) & ~blocked & IN_LIVE_ORDER & ~WAITING_FOR_DEPOSIT


# The conditions are built once: SQL expressions are immutable, and building them (an aliased
# EXISTS with two CASEs) cost more than running the query on every board request.
IN_LIVE_ORDER = ProductionJob.order_id.not_in(select(Order.id).where(Order.status == OrderStatus.CANCELLED))
"""The job's order is not cancelled: a cancelled order's jobs are nobody's work."""
WAITING_FOR_DEPOSIT = ProductionJob.order_id.in_(payments.AWAITING_DEPOSIT)
"""The job's order has not started and waits for its deposit: nobody may take its jobs yet."""
OPEN_WORK = (ProductionJob.status != JobStatus.DONE) & IN_LIVE_ORDER
"""Jobs that still hold work for the workshop: not done, their order not cancelled."""
CLAIMABLE = _claimable()
"""Queued, its order not cancelled, and every earlier stage of its order done."""


def lock(order: Order) -> Order:
    """Re-read the order under a row lock, so two makers cannot both move it (PostgreSQL).

    SQLite needs no lock: the job UPDATE before this already holds its single writer lock.
    """
    locked = db.session.scalars(
        select(Order).where(Order.id == order.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    return locked


def start_order(order: Order, actor: User | None) -> None:
    if order.status == OrderStatus.CONFIRMED and lock(order).status == OrderStatus.CONFIRMED:
        orders.advance(order, "start_production", actor)


def walk(state: str, *actions: str) -> str:
    """Where the job machine takes a job from ``state`` by these actions (or IllegalTransition)."""
    for action in actions:
        state = JOB.next(state, action)
    return state


def move(job: ProductionJob, *actions: str, **values: object) -> None:
    """Change a job with one UPDATE on the status and claim token it was read with.

    The new status comes from the job machine. When the machine refuses the move from where
    the job is, or someone else changed the job since it was read (of a maker's finish and a
    staff release at the same instant exactly one lands), nothing is written and the Conflict
    says what happened instead.
    """
    try:
        status = walk(job.status, *actions)
    except IllegalTransition:
        raise Conflict(what_happened(job.id)) from None
    moved = db.session.execute(
        update(ProductionJob)
        .where(
            ProductionJob.id == job.id,
            ProductionJob.status == job.status,
            ProductionJob.claim_token.is_not_distinct_from(job.claim_token),
        )
        .values(status=status, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise Conflict(what_happened(job.id))
    db.session.refresh(job)


def what_happened(job_id: int) -> str:
    """Why a change of a job was refused: the last change someone else made, in plain words.

    Rolls back first, so that the sentence describes what is committed now.
    """
    db.session.rollback()
    job = db.session.get(ProductionJob, job_id)
    if job is None:
        return "This job is no longer there; nothing was changed."
    if job.order.status == OrderStatus.CANCELLED:
        return "This order was cancelled; nothing was changed."
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject == f"job:{job_id}")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    words = MOVE_WORDS.get(event.action) if event is not None else None
    if event is None or words is None:
        return STALE_CLAIM
    who = db.session.get(User, event.actor_id) if event.actor_id else None
    maker_id = (event.detail or {}).get("maker")
    maker = db.session.get(User, maker_id) if maker_id else None
    when = "a moment ago" if utcnow() - event.at < RECENT else f"on {event.at:%d %b at %H:%M} UTC"
    what = words.format(
        who=who.display_name if who else "Someone", maker=maker.display_name if maker else "a maker"
    )
    return f"{what} {when}; nothing was changed."


def release_path(status: str) -> tuple[str, ...]:
    """The job machine's way back to the queue from where a job is: pause first if someone is working."""
    return {JobStatus.IN_PROGRESS: ("pause", "release")}.get(status, ("release",))
