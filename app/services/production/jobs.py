"""Staff actions on jobs: take a job back, give it to a maker, and reorder the queue."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Order, ProductionJob, User, utcnow
from app.services import audit
from app.services.errors import Conflict, Invalid, NotFound
from app.services.production._shared import move, release_path, start_order, what_happened
from app.services.production.identities import get_maker
from app.services.transaction import commits
from configurator.states import JobStatus, OrderStatus


def get_job(job_id: int) -> ProductionJob:
    job = db.session.get(ProductionJob, job_id)
    if job is None:
        raise NotFound("We could not find that job.")
    return job


@commits
def release(staff: User, job_id: int) -> ProductionJob:
    """Take a job back from its maker (left for the day, or a problem is solved) into the queue."""
    job = get_job(job_id)
    before, holder = job.status, job.maker_id
    move(job, *release_path(job.status), maker_id=None, claim_token=None, problem=None)
    audit.record(
        staff, "job.staff_release", f"job:{job.id}", None, order=job.order_id, before=before, maker=holder
    )
    return job


@commits
def assign(staff: User, job_id: int, maker_id: int) -> ProductionJob:
    """Give a job to a maker: it leaves its current holder (their token goes stale) and is claimed for them."""
    job = get_job(job_id)
    maker = get_maker(maker_id)
    if maker is None:
        raise Invalid("Choose a maker from the list.", {"maker": "unknown"})
    if job.order.status == OrderStatus.CANCELLED:
        raise Conflict("This order is cancelled.")
    before, holder = job.status, job.maker_id
    path = () if job.status == JobStatus.QUEUED else release_path(job.status)
    move(job, *path, "claim", maker_id=maker.id, claim_token=secrets.token_hex(16), problem=None)
    start_order(job.order, staff)
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
    return job


@commits
def set_priority(staff: User, job_id: int, priority: int) -> ProductionJob:
    """Put a job at an exact place: smaller numbers are done sooner."""
    job = get_job(job_id)
    before = job.priority
    if job.status == JobStatus.DONE:
        raise Conflict(what_happened(job_id))
    move(job, priority=priority)
    audit.record(
        staff, "job.priority", f"job:{job.id}", None, order=job.order_id, before=before, after=priority
    )
    return job


def top_priority() -> int:
    """A number smaller than every open job's, to put something at the front of the queue."""
    smallest = db.session.scalar(
        select(func.min(ProductionJob.priority)).where(ProductionJob.status != JobStatus.DONE)
    )
    return (smallest if smallest is not None else 0) - 1


def order_first(staff: User, order: Order) -> int:
    """Put all of an order's unfinished jobs at the front of the queue; returns how many moved."""
    front = top_priority()
    moved = db.session.execute(
        update(ProductionJob)
        .where(ProductionJob.order_id == order.id, ProductionJob.status != JobStatus.DONE)
        .values(priority=front, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(staff, "order.first_in_queue", f"order:{order.id}", order.organisation_id, priority=front)
    db.session.commit()
    return moved
