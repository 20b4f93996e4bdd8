"""The makers' queue and the workshop's plan.

Makers claim the next job safely under concurrency, then move it with the claim token; staff
release, assign and reorder jobs, set the workshop's hours, ship orders and read the plan.

Who is a maker: a user with the role ``maker`` and only a pseudonym (no email, no password).
The shared workshop tablet logs in as a ``workshop`` user, and a maker picks their pseudonym
on the board; a maker with a personal tablet login (role ``maker`` with an email) acts as
themselves. Either way the maker, never the tablet, holds the job and signs the audit trail.
"""

from __future__ import annotations

import calendar
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import AuditEvent, Order, Organisation, ProductionJob, Role, User, utcnow
from app.models.production import CapacityDay, CapacityException, Shipment
from app.services import audit, notifications, orders
from app.services.errors import Conflict, Invalid, NotFound
from configurator.catalog import load_catalog
from configurator.jobs import STAGES, needed_by_date, retitle
from configurator.leadtime import Capacity, add_working_days, plan_load
from configurator.spec import BoxSpec
from configurator.states import JOB, ORDER, IllegalTransition

UNUSABLE_PASSWORD = "!"  # noqa: S105 - not a hash, so no password ever matches: a pseudonym cannot log in
STALE_CLAIM = "This job was moved by someone else in the meantime. The board has been refreshed."
HELD = ("claimed", "in_progress", "paused", "problem")
OPEN_ORDER_STATES = ("confirmed", "in_production", "quality_check", "packed")
PROBLEM_REASONS = {
    "material": "Material is missing",
    "tool": "A tool or machine is broken",
    "damaged": "Items are damaged",
    "unclear": "I do not know how to do it",
    "other": "Something else",
}
"""Plain reasons a maker taps; staff read the reason and any words the maker adds."""
MANUAL_ORDER_ACTIONS = ("start_production", "send_to_qa", "fail_qa", "pack", "deliver", "cancel")
"""Order moves staff make with a button; shipping needs carrier and tracking (see :func:`ship`)."""


def today() -> date:
    return datetime.now(UTC).date()


# --- Makers -----------------------------------------------------------------------------------


def makers(*, include_inactive: bool = False) -> list[User]:
    """Every maker by pseudonym, for the board's picker and staff's assign menu."""
    query = select(User).where(User.role == Role.MAKER).order_by(func.lower(User.display_name))
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query))


def get_maker(maker_id: int | None) -> User | None:
    """An active maker by id, or None (a stale pick from a deactivated maker is simply dropped)."""
    if maker_id is None:
        return None
    maker = db.session.get(User, maker_id)
    if maker is None or maker.role != Role.MAKER or not maker.active:
        return None
    return maker


def acting_maker(login: User, picked_id: int | None) -> User | None:
    """Who is working: the maker logged in on a personal tablet, or the pseudonym picked on the shared one."""
    if login.role == Role.MAKER:
        return login
    if login.role == Role.WORKSHOP:
        return get_maker(picked_id)
    return None


def add_maker(staff: User | None, pseudonym: str) -> User:
    """A new maker: a pseudonym the maker chose, nothing else. The caller commits."""
    name = " ".join(pseudonym.split())
    if not 2 <= len(name) <= 40:
        raise Invalid("A pseudonym has 2 to 40 characters.", {"pseudonym": "2 to 40 characters"})
    taken = db.session.scalar(
        select(User.id).where(User.role == Role.MAKER, func.lower(User.display_name) == name.lower())
    )
    if taken:
        raise Invalid(f"“{name}” is already a maker's pseudonym.", {"pseudonym": "already taken"})
    maker = User(
        email=None,
        display_name=name,
        password_hash=UNUSABLE_PASSWORD,
        role=Role.MAKER,
        organisation=None,
    )
    db.session.add(maker)
    db.session.flush()
    audit.record(staff, "maker.added", f"user:{maker.id}", None, pseudonym=name)
    return maker


def set_maker_active(staff: User, maker_id: int, active: bool) -> User:
    maker = db.session.get(User, maker_id)
    if maker is None or maker.role != Role.MAKER:
        raise NotFound("We could not find that maker.")
    maker.active = active
    audit.record(staff, "maker.activated" if active else "maker.deactivated", f"user:{maker.id}", None)
    return maker


# --- The queue --------------------------------------------------------------------------------


def _stage(job: type[ProductionJob]):  # a SQL CASE expression
    return case(STAGES, value=job.kind, else_=1)


def _claimable():  # a SQL condition
    """Queued, its order not cancelled, and every earlier stage of its order done."""
    earlier = aliased(ProductionJob)
    blocked = exists().where(
        earlier.order_id == ProductionJob.order_id,
        earlier.status != "done",
        _stage(earlier) < _stage(ProductionJob),
    )
    cancelled = select(Order.id).where(Order.status == "cancelled")
    return (ProductionJob.status == "queued") & ~blocked & ProductionJob.order_id.not_in(cancelled)


def board(maker: User) -> tuple[list[ProductionJob], list[ProductionJob], int]:
    """The maker's own jobs, the next jobs waiting (by priority), and how many are waiting in all."""
    mine = db.session.scalars(
        select(ProductionJob)
        .where(ProductionJob.maker_id == maker.id, ProductionJob.status.in_(HELD))
        .order_by(ProductionJob.priority, ProductionJob.id)
    ).all()
    waiting = db.session.scalars(
        select(ProductionJob).where(_claimable()).order_by(ProductionJob.priority, ProductionJob.id).limit(6)
    ).all()
    count = db.session.scalar(select(func.count()).select_from(ProductionJob).where(_claimable())) or 0
    return list(mine), list(waiting), count


def claim_next(maker: User, *, device: User | None = None) -> ProductionJob | None:
    """Claim the most urgent claimable job for this maker, exactly once under concurrency.

    One ``UPDATE … WHERE id = (SELECT … LIMIT 1) AND status = 'queued' RETURNING id``. On
    PostgreSQL the inner SELECT takes ``FOR UPDATE SKIP LOCKED``, so concurrent claimers pass
    over each other's rows instead of queueing behind them; SQLite runs the whole statement
    under its single writer lock. A fresh token makes every earlier holder stale.
    """
    candidate = (
        select(ProductionJob.id)
        .where(_claimable())
        .order_by(ProductionJob.priority, ProductionJob.id)
        .limit(1)
        .correlate(None)  # its own scan of the table, not a reference to the row being updated
    )
    if db.session.get_bind().dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    token = secrets.token_hex(16)
    job_id = db.session.execute(
        update(ProductionJob)
        .where(ProductionJob.id == candidate.scalar_subquery(), ProductionJob.status == "queued")
        .values(status=JOB.next("queued", "claim"), maker_id=maker.id, claim_token=token, updated_at=utcnow())
        .returning(ProductionJob.id)
    ).scalar()
    if job_id is None:
        db.session.rollback()
        return None
    job = db.session.get(ProductionJob, job_id, populate_existing=True)
    assert job is not None
    _start_order(job.order, maker)
    audit.record(maker, "job.claim", f"job:{job.id}", None, order=job.order_id, **_device(device))
    db.session.commit()
    return job


def _device(device: User | None) -> dict[str, int]:
    return {"device": device.id} if device is not None else {}


def _lock(order: Order) -> Order:
    """Re-read the order under a row lock, so two makers cannot both move it (PostgreSQL).

    SQLite needs no lock: the job UPDATE before this already holds its single writer lock.
    """
    locked = db.session.scalars(
        select(Order).where(Order.id == order.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    return locked


def _start_order(order: Order, actor: User | None) -> None:
    if order.status == "confirmed" and _lock(order).status == "confirmed":
        orders.advance(order, "start_production", actor)


def _finish_order_if_done(order: Order) -> None:
    """The last finished job sends the order to quality check.

    Two makers finishing an order's last two jobs at once would each see the other's job
    unfinished; the order row lock makes the second one wait and then see both done.
    """
    order = _lock(order)
    if order.status != "in_production":
        return
    statuses = db.session.scalars(
        select(ProductionJob.status)
        .where(ProductionJob.order_id == order.id)
        .execution_options(populate_existing=True)
    ).all()
    if statuses and all(s == "done" for s in statuses):
        orders.advance(order, "send_to_qa", None)


def act(
    maker: User,
    job_id: int,
    token: str,
    action: str,
    quantity_done: int | None = None,
    reason: str = "",
    problem: str = "",
    *,
    device: User | None = None,
) -> ProductionJob:
    """Move a job the maker holds; refused when the token is stale (someone reassigned or re-claimed it).

    ``finish`` with fewer than the job's quantity closes the job with what was made and puts a
    new job for the rest at the same place in the queue, so the shortfall is never forgotten.
    ``pause`` may record how many are made so far.
    """
    job = db.session.get(ProductionJob, job_id)
    if job is None:
        raise NotFound("We could not find that job.")
    if job.maker_id != maker.id or job.claim_token != token:
        raise Conflict(STALE_CLAIM)
    try:
        new_status = JOB.next(job.status, action)
    except IllegalTransition as exc:
        raise Conflict(STALE_CLAIM) from exc
    values: dict[str, object] = {"status": new_status, "updated_at": utcnow()}
    detail: dict[str, object] = {"order": job.order_id, **_device(device)}
    if action in ("finish", "pause") and quantity_done is not None and not 0 <= quantity_done <= job.quantity:
        raise Invalid(f"Enter a number from 0 to {job.quantity}.", {"quantity_done": "out of range"})
    if action == "finish":
        made = job.quantity if quantity_done is None else quantity_done
        values["quantity_done"] = made
        detail["made"] = made
    if action == "pause" and quantity_done is not None:
        values["quantity_done"] = quantity_done
        detail["made"] = quantity_done
    if action == "report_problem":
        label = PROBLEM_REASONS.get(reason)
        words = " ".join(problem.split())[:500]
        if label is None and not words:
            raise Invalid("Tap a reason, or say what the problem is.", {"reason": "missing"})
        values["problem"] = f"{label or PROBLEM_REASONS['other']}{': ' + words if words else ''}"
        detail["problem"] = values["problem"]
    if action == "release":
        values.update(maker_id=None, claim_token=None)
    moved = db.session.execute(
        update(ProductionJob)
        .where(
            ProductionJob.id == job_id,
            ProductionJob.maker_id == maker.id,
            ProductionJob.claim_token == token,
            ProductionJob.status == job.status,
        )
        .values(**values)
    ).rowcount
    if not moved:
        db.session.rollback()
        raise Conflict(STALE_CLAIM)
    db.session.refresh(job)
    if action == "finish":
        rest = _split_shortfall(job)
        detail["minutes"] = job.maker_minutes
        if rest is not None:
            detail["rest_job"] = rest.id
    audit.record(maker, f"job.{action}", f"job:{job_id}", None, **detail)
    if action == "finish":
        _finish_order_if_done(job.order)
    db.session.commit()
    return job


def _split_shortfall(job: ProductionJob) -> ProductionJob | None:
    """Close a job at what was made; queue the rest as a new job in the same place."""
    short = job.quantity - job.quantity_done
    if short <= 0:
        return None
    done_minutes = round(job.maker_minutes * job.quantity_done / job.quantity)
    rest = ProductionJob(
        order_id=job.order_id,
        kind=job.kind,
        title=retitle(job.title, job.quantity, short),
        product_id=job.product_id,
        colour=job.colour,
        quantity=short,
        maker_minutes=job.maker_minutes - done_minutes,
        priority=job.priority,
    )
    job.title = retitle(job.title, job.quantity, job.quantity_done)
    job.quantity = job.quantity_done
    job.maker_minutes = done_minutes
    db.session.add(rest)
    db.session.flush()
    return rest


# --- Staff: reassign and reprioritise ----------------------------------------------------------


def get_job(job_id: int) -> ProductionJob:
    job = db.session.get(ProductionJob, job_id)
    if job is None:
        raise NotFound("We could not find that job.")
    return job


def _walk(job: ProductionJob, *actions: str) -> str:
    state = job.status
    for action in actions:
        state = JOB.next(state, action)
    return state


def _release_path(status: str) -> tuple[str, ...]:
    """The job machine's way back to the queue from where a job is: pause first if someone is working."""
    return {"in_progress": ("pause", "release")}.get(status, ("release",))


def release(staff: User, job_id: int) -> ProductionJob:
    """Take a job back from its maker (left for the day, or a problem is solved) into the queue."""
    job = get_job(job_id)
    try:
        _walk(job, *_release_path(job.status))
    except IllegalTransition as exc:
        raise Conflict(
            f"This job is {job.status.replace('_', ' ')}; it cannot go back to the queue."
        ) from exc
    before, holder = job.status, job.maker_id
    job.status, job.maker_id, job.claim_token, job.problem = "queued", None, None, None
    audit.record(
        staff, "job.staff_release", f"job:{job.id}", None, order=job.order_id, before=before, maker=holder
    )
    db.session.commit()
    return job


def assign(staff: User, job_id: int, maker_id: int) -> ProductionJob:
    """Give a job to a maker: it leaves its current holder (their token goes stale) and is claimed for them."""
    job = get_job(job_id)
    maker = get_maker(maker_id)
    if maker is None:
        raise Invalid("Choose a maker from the list.", {"maker": "unknown"})
    if job.order.status == "cancelled":
        raise Conflict("This order is cancelled.")
    path = () if job.status == "queued" else _release_path(job.status)
    try:
        _walk(job, *path, "claim")
    except IllegalTransition as exc:
        raise Conflict(f"This job is {job.status.replace('_', ' ')}; it cannot be given to a maker.") from exc
    before, holder = job.status, job.maker_id
    job.status, job.maker_id, job.claim_token, job.problem = "claimed", maker.id, secrets.token_hex(16), None
    db.session.flush()
    _start_order(job.order, staff)
    audit.record(
        staff,
        "job.assign",
        f"job:{job.id}",
        None,
        order=job.order_id,
        before=before,
        maker=maker.id,
        previous=holder,
    )
    db.session.commit()
    return job


def set_priority(staff: User, job_id: int, priority: int) -> ProductionJob:
    """Put a job at an exact place: smaller numbers are done sooner."""
    job = get_job(job_id)
    if job.status == "done":
        raise Conflict("This job is done already.")
    before, job.priority = job.priority, priority
    audit.record(
        staff, "job.priority", f"job:{job.id}", None, order=job.order_id, before=before, after=priority
    )
    db.session.commit()
    return job


def top_priority() -> int:
    """A number smaller than every open job's, to put something at the front of the queue."""
    smallest = db.session.scalar(
        select(func.min(ProductionJob.priority)).where(ProductionJob.status != "done")
    )
    return (smallest if smallest is not None else 0) - 1


def order_first(staff: User, order: Order) -> int:
    """Put all of an order's unfinished jobs at the front of the queue; returns how many moved."""
    front = top_priority()
    moved = 0
    for job in order.jobs:
        if job.status != "done":
            job.priority = front
            moved += 1
    audit.record(staff, "order.first_in_queue", f"order:{order.id}", order.organisation_id, priority=front)
    db.session.commit()
    return moved


# --- Staff: order moves, shipments, timeline ----------------------------------------------------


def staff_advance(staff: User, order: Order, action: str) -> None:
    """A staff button on an order, through the order machine, with the checks the workshop needs."""
    if action not in MANUAL_ORDER_ACTIONS:
        raise Conflict("Use the shipping form to mark an order shipped.")
    if action == "send_to_qa" and any(j.status != "done" for j in order.jobs):
        raise Conflict("Some jobs of this order are not done yet.")
    _lock(order)
    orders.advance(order, action, staff)
    if action == "cancel":
        # Take held jobs off the makers: their tokens go stale and the board hides the order.
        for job in order.jobs:
            if job.status in HELD:
                _walk(job, *_release_path(job.status))
                job.status, job.maker_id, job.claim_token = "queued", None, None
    db.session.commit()


def ship(staff: User, order: Order, carrier: str, tracking_number: str, boxes: int | None = None) -> Shipment:
    """Record a parcel handed to a carrier; the first one marks a packed order shipped."""
    carrier, tracking_number = " ".join(carrier.split()), tracking_number.strip()
    errors = {}
    if not 2 <= len(carrier) <= 60:
        errors["carrier"] = "Enter the carrier's name."
    if not 3 <= len(tracking_number) <= 80:
        errors["tracking_number"] = "Enter the tracking number."
    total = int(order.quote.get("boxes") or BoxSpec.from_dict(order.spec).quantity)
    boxes = total if boxes is None else boxes
    if not 1 <= boxes <= total:
        errors["boxes"] = f"Enter a number of boxes from 1 to {total}."
    if errors:
        raise Invalid("Please correct the shipment: " + " ".join(errors.values()), errors)
    _lock(order)
    if order.status == "packed":
        shipment = Shipment(
            order=order, carrier=carrier, tracking_number=tracking_number, boxes=boxes, shipped_by=staff
        )
        orders.advance(order, "ship", staff)
        notifications.notify("shipped", order_id=order.id, actor_id=staff.id)
    elif order.status == "shipped":
        shipment = Shipment(
            order=order, carrier=carrier, tracking_number=tracking_number, boxes=boxes, shipped_by=staff
        )
    else:
        raise Conflict(f"This order is {order.status.replace('_', ' ')}; pack it before shipping.")
    db.session.add(shipment)
    db.session.flush()
    audit.record(
        staff,
        "order.shipment",
        f"order:{order.id}",
        order.organisation_id,
        carrier=carrier,
        tracking=tracking_number,
        boxes=boxes,
        shipment=shipment.id,
    )
    db.session.commit()
    return shipment


def shipments(order: Order) -> list[Shipment]:
    return list(
        db.session.scalars(select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id))
    )


EVENT_WORDS = {
    "order.created": "Order confirmed",
    "order.start_production": "Production started",
    "order.send_to_qa": "All jobs done: quality check",
    "order.fail_qa": "Quality check failed: back to production",
    "order.pack": "Packed",
    "order.ship": "Shipped",
    "order.deliver": "Delivered",
    "order.cancel": "Cancelled",
    "order.shipment": "Parcel handed to the carrier",
    "order.first_in_queue": "Moved to the front of the queue",
    "job.claim": "Job taken",
    "job.start": "Job started",
    "job.pause": "Job paused",
    "job.finish": "Job done",
    "job.release": "Job given back",
    "job.report_problem": "Problem reported",
    "job.staff_release": "Job taken back by staff",
    "job.assign": "Job given to a maker",
    "job.priority": "Job moved in the queue",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    role: str
    what: str
    job: str
    detail: str


def timeline(order: Order) -> list[TimelineEntry]:
    """Everything that happened to an order and its jobs, oldest first (staff only: shows pseudonyms)."""
    jobs = {f"job:{j.id}": j.title for j in order.jobs}
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject.in_([f"order:{order.id}", *jobs]))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    people = {
        u.id: u.display_name
        for u in db.session.scalars(
            select(User).where(User.id.in_({e.actor_id for e in events if e.actor_id}))
        )
    }
    entries = []
    for e in events:
        detail = e.detail or {}
        extra = []
        if "problem" in detail:
            extra.append(str(detail["problem"]))
        if "made" in detail:
            extra.append(f"{detail['made']} made")
        if "carrier" in detail:
            extra.append(
                f"{detail['carrier']} {detail.get('tracking', '')} · {detail.get('boxes', '')} boxes"
            )
        entries.append(
            TimelineEntry(
                at=e.at,
                who=people.get(e.actor_id, "System") if e.actor_id else "System",
                role=e.actor_role or "",
                what=EVENT_WORDS.get(e.action, e.action.replace(".", ": ").replace("_", " ")),
                job=jobs.get(e.subject, ""),
                detail=" · ".join(extra),
            )
        )
    return entries


# --- Capacity and the plan --------------------------------------------------------------------

DEFAULT_CAPACITY = Capacity()
WEEKDAYS = tuple(calendar.day_name)


def weekday_minutes() -> list[int]:
    """Maker minutes for Monday..Sunday as staff set them (the defaults where they have not)."""
    rows = {r.weekday: r.maker_minutes for r in db.session.scalars(select(CapacityDay))}
    default = [
        DEFAULT_CAPACITY.maker_minutes_per_day if d in DEFAULT_CAPACITY.working_days else 0 for d in range(7)
    ]
    return [rows.get(d, default[d]) for d in range(7)]


def exceptions(from_day: date | None = None) -> list[CapacityException]:
    query = select(CapacityException).order_by(CapacityException.day)
    if from_day is not None:
        query = query.where(CapacityException.day >= from_day)
    return list(db.session.scalars(query))


def current_capacity() -> Capacity:
    """The workshop calendar staff set: minutes per weekday, holidays and special days."""
    minutes = weekday_minutes()
    working = frozenset(d for d in range(7) if minutes[d] > 0)
    special = exceptions()
    if not working or (not special and db.session.scalar(select(func.count()).select_from(CapacityDay)) == 0):
        # Nothing set yet (or a hand-edited table with no open day; the settings page refuses that).
        return DEFAULT_CAPACITY
    return Capacity(
        maker_minutes_per_day=max(minutes),
        working_days=working,
        holidays=frozenset(x.day for x in special if x.maker_minutes == 0),
        weekday_minutes=tuple(minutes),
        date_minutes=tuple((x.day, x.maker_minutes) for x in special if x.maker_minutes > 0),
        qa_pack_days=DEFAULT_CAPACITY.qa_pack_days,
        shipping_days=DEFAULT_CAPACITY.shipping_days,
    )


def save_weekdays(staff: User, minutes: list[int]) -> None:
    """Set maker minutes for Monday..Sunday (0 closes the day)."""
    if len(minutes) != 7 or any(m < 0 or m > 24 * 60 * 50 for m in minutes):
        raise Invalid("Enter hours from 0 to 1200 for each day.")
    if not any(minutes):
        raise Invalid("The workshop needs at least one day with maker hours.")
    rows = {r.weekday: r for r in db.session.scalars(select(CapacityDay))}
    for day, value in enumerate(minutes):
        if day in rows:
            rows[day].maker_minutes = value
        else:
            db.session.add(CapacityDay(weekday=day, maker_minutes=value))
    audit.record(staff, "capacity.weekdays", "capacity", None, minutes=minutes)
    db.session.commit()


def save_exception(staff: User, day: date, minutes: int, note: str) -> None:
    """Set one date's maker minutes (0: closed), replacing what that date had."""
    if not 0 <= minutes <= 24 * 60 * 50:
        raise Invalid("Enter hours from 0 to 1200.")
    row = db.session.scalar(select(CapacityException).where(CapacityException.day == day))
    if row is None:
        row = CapacityException(day=day, maker_minutes=minutes, note=note.strip()[:120])
        db.session.add(row)
    else:
        row.maker_minutes, row.note = minutes, note.strip()[:120]
    audit.record(staff, "capacity.date", "capacity", None, day=day.isoformat(), minutes=minutes)
    db.session.commit()


def delete_exception(staff: User, exception_id: int) -> None:
    row = db.session.get(CapacityException, exception_id)
    if row is None:
        raise NotFound("We could not find that date.")
    audit.record(staff, "capacity.date_removed", "capacity", None, day=row.day.isoformat())
    db.session.delete(row)
    db.session.commit()


def _remaining_minutes(job: ProductionJob) -> int:
    """Maker minutes still to do: what a paused maker already made is not counted again."""
    if job.status == "done":
        return 0
    if job.quantity_done and job.quantity:
        return round(job.maker_minutes * (job.quantity - job.quantity_done) / job.quantity)
    return job.maker_minutes


def _open_jobs() -> list[ProductionJob]:
    cancelled = select(Order.id).where(Order.status == "cancelled")
    return list(
        db.session.scalars(
            select(ProductionJob)
            .where(ProductionJob.status != "done", ProductionJob.order_id.not_in(cancelled))
            .order_by(ProductionJob.priority, ProductionJob.id)
        )
    )


def backlog_minutes() -> int:
    """Maker minutes of every job not done yet (cancelled orders excluded): the queue the configurator waits behind."""
    cancelled = select(Order.id).where(Order.status == "cancelled")
    total = db.session.scalar(
        select(func.coalesce(func.sum(ProductionJob.maker_minutes), 0)).where(
            ProductionJob.status != "done", ProductionJob.order_id.not_in(cancelled)
        )
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
    load = plan_load(
        on, ((j.order_id, _remaining_minutes(j)) for j in jobs), capacity, horizon_days=weeks * 7
    )
    by_week: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day in load.days:
        monday = date.fromordinal(day.day.toordinal() - day.day.weekday())
        by_week[monday][0] += day.capacity_minutes
        by_week[monday][1] += day.planned_minutes
    week_loads = [
        WeekLoad(start, round(c / 60, 1), round(p / 60, 1)) for start, (c, p) in sorted(by_week.items())
    ]
    remaining: dict[int, int] = defaultdict(int)
    for job in jobs:
        remaining[job.order_id] += _remaining_minutes(job)
    outlook = {}
    open_orders = db.session.scalars(select(Order).where(Order.status.in_(OPEN_ORDER_STATES))).all()
    for order in open_orders:
        needed = needed_by_date(BoxSpec.from_dict(order.spec))
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
            remaining_hours=round(remaining[order.id] / 60, 1),
        )
    return Plan(
        week_loads, outlook, round(load.overflow_minutes / 60, 1), round(sum(remaining.values()) / 60, 1)
    )


def job_counts() -> dict[str, int]:
    """Open jobs by stage of work, for the dashboard's row of numbers."""
    cancelled = select(Order.id).where(Order.status == "cancelled")
    rows = db.session.execute(
        select(ProductionJob.status, func.count())
        .where(ProductionJob.order_id.not_in(cancelled))
        .group_by(ProductionJob.status)
    ).all()
    counts = dict.fromkeys(("queued", "claimed", "in_progress", "paused", "problem", "done"), 0)
    counts.update({status: n for status, n in rows})
    return counts


def open_jobs(status: str | None = None) -> list[ProductionJob]:
    jobs = _open_jobs()
    return [j for j in jobs if status is None or j.status == status]


def ready_job_ids() -> set[int]:
    """Queued jobs makers can take now (earlier stages of their order done)."""
    return set(db.session.scalars(select(ProductionJob.id).where(_claimable())))


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
    return sorted(
        ORDER.states,
        key=[
            "confirmed",
            "in_production",
            "quality_check",
            "packed",
            "shipped",
            "delivered",
            "cancelled",
        ].index,
    )


# --- Impact -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthImpact:
    month: str
    orders: int
    funded_hours: float
    worked_hours: float


def impact_by_month() -> list[MonthImpact]:
    """Per month: orders confirmed and the maker hours they fund, and the paid hours makers finished."""
    funded: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = db.session.execute(
        select(Order.id, Order.created_at, func.coalesce(func.sum(ProductionJob.maker_minutes), 0))
        .join(ProductionJob, ProductionJob.order_id == Order.id, isouter=True)
        .where(Order.status != "cancelled")
        .group_by(Order.id, Order.created_at)
    ).all()
    for _order_id, created, minutes in rows:
        month = f"{created:%Y-%m}"
        funded[month][0] += 1
        funded[month][1] += int(minutes)
    worked: dict[str, int] = defaultdict(int)
    for at, detail in db.session.execute(
        select(AuditEvent.at, AuditEvent.detail).where(AuditEvent.action == "job.finish")
    ):
        worked[f"{at:%Y-%m}"] += int((detail or {}).get("minutes", 0))
    months = sorted(set(funded) | set(worked), reverse=True)
    return [
        MonthImpact(m, funded[m][0], round(funded[m][1] / 60, 1), round(worked[m] / 60, 1)) for m in months
    ]


# --- Packing slip -------------------------------------------------------------------------------


def packing_slip_pdf(order: Order, shipment: Shipment | None = None) -> bytes:
    """The packing slip for an order (or one parcel of it), as PDF bytes."""
    from proofs.packing_slip import PackingSlip, SlipLine, render_packing_slip

    catalog = load_catalog()
    spec = BoxSpec.from_dict(order.spec)
    lines = [
        SlipLine(
            name=catalog.products[i.product_id].name if i.product_id in catalog.products else i.product_id,
            colour=catalog.colour_name(i.colour),
            colour_hex=catalog.colour_hex(i.colour),
            per_box=i.quantity,
            total=i.quantity * spec.quantity,
        )
        for i in spec.items
    ]
    box = catalog.box_sizes.get(spec.box_size)
    personal = []
    if spec.monogram.strip():
        personal.append(f"Monogram {spec.monogram.strip()} on every item")
    if spec.logo_id:
        personal.append(
            f"Logo on the {dict(lid='box lid', card='message card', tag='gift tag').get(spec.logo_placement, spec.logo_placement)}"
        )
    needed = needed_by_date(spec)
    slip = PackingSlip(
        reference=order.reference,
        organisation=order.organisation.name,
        design_name=order.design.name,
        boxes=shipment.boxes if shipment else spec.quantity,
        boxes_in_order=spec.quantity,
        box=f"{box.name if box else spec.box_size}, {catalog.colour_name(spec.box_colour).lower()}",
        ribbon=catalog.colour_name(spec.ribbon_colour),
        tissue=catalog.colour_name(spec.tissue_colour),
        lines=tuple(lines),
        personalisation=tuple(personal),
        card=f"Message card ({spec.card_size.replace('x', ' × ')} in, {spec.card_style})",
        needed_by=f"{needed:%d %B %Y}" if needed else "",
        delivery="One address (bulk)" if spec.delivery == "bulk" else "Per recipient",
        carrier=shipment.carrier if shipment else "",
        tracking=shipment.tracking_number if shipment else "",
        printed=f"{today():%d %B %Y}",
    )
    return render_packing_slip(slip)
