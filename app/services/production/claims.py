"""The makers' board: the waiting jobs, claiming the next one safely, and moving it by claim token."""

from __future__ import annotations

import secrets

from flask_babel import gettext
from sqlalchemy import bindparam, func, select, update

from app.extensions import db
from app.models import Order, ProductionJob, User, utcnow
from app.services import audit, orders
from app.services.errors import Conflict, Invalid, NotFound
from app.services.production._shared import CLAIMABLE, HELD, lock, move, start_order, what_happened
from configurator.jobs import retitle
from configurator.states import JOB, JobStatus, OrderStatus
from configurator.vocabulary import ProblemReason

_MINE = (
    select(ProductionJob)
    .where(ProductionJob.maker_id == bindparam("maker"), ProductionJob.status.in_(HELD))
    .order_by(ProductionJob.priority, ProductionJob.id)
)
_WAITING = select(ProductionJob).where(CLAIMABLE).order_by(ProductionJob.priority, ProductionJob.id).limit(6)
_WAITING_COUNT = select(func.count()).select_from(ProductionJob).where(CLAIMABLE)
"""Built once: the board is the workshop's most frequent page."""


def board(maker: User) -> tuple[list[ProductionJob], list[ProductionJob], int]:
    """The maker's own jobs, the next jobs waiting (by priority), and how many are waiting in all."""
    mine = db.session.scalars(_MINE, {"maker": maker.id}).all()
    waiting = db.session.scalars(_WAITING).all()
    count = db.session.scalar(_WAITING_COUNT) or 0
    return list(mine), list(waiting), count


def claim_next(maker: User, *, device: User | None = None) -> ProductionJob | None:
    """Claim the most urgent CLAIMABLE job for this maker, exactly once under concurrency.

    One ``UPDATE … WHERE id = (SELECT … LIMIT 1) AND status = 'queued' RETURNING id``. On
    PostgreSQL the inner SELECT takes ``FOR UPDATE SKIP LOCKED``, so concurrent claimers pass
    over each other's rows instead of queueing behind them; SQLite runs the whole statement
    under its single writer lock. A fresh token makes every earlier holder stale.
    """
    candidate = (
        select(ProductionJob.id)
        .where(CLAIMABLE)
        .order_by(ProductionJob.priority, ProductionJob.id)
        .limit(1)
        .correlate(None)  # its own scan of the table, not a reference to the row being updated
    )
    if db.session.get_bind().dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    token = secrets.token_hex(16)
    job_id = db.session.execute(
        update(ProductionJob)
        .where(ProductionJob.id == candidate.scalar_subquery(), ProductionJob.status == JobStatus.QUEUED)
        .values(
            status=JOB.next(JobStatus.QUEUED, "claim"),
            maker_id=maker.id,
            claim_token=token,
            updated_at=utcnow(),
        )
        .returning(ProductionJob.id)
    ).scalar()
    if job_id is None:
        db.session.rollback()
        return None
    job = db.session.get(ProductionJob, job_id, populate_existing=True)
    assert job is not None
    start_order(job.order, maker)
    audit.record(maker, "job.claim", f"job:{job.id}", None, order=job.order_id, **_device(device))
    db.session.commit()
    return job


def _device(device: User | None) -> dict[str, int]:
    return {"device": device.id} if device is not None else {}


def _finish_order_if_done(order: Order) -> None:
    """The last finished job sends the order to quality check.

    Two makers finishing an order's last two jobs at once would each see the other's job
    unfinished; the order row lock makes the second one wait and then see both done.
    """
    order = lock(order)
    if order.status != OrderStatus.IN_PRODUCTION:
        return
    statuses = db.session.scalars(
        select(ProductionJob.status)
        .where(ProductionJob.order_id == order.id)
        .execution_options(populate_existing=True)
    ).all()
    if statuses and all(s == JobStatus.DONE for s in statuses):
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
    """Move a job the maker holds; refused, saying what happened, when someone else moved it first.

    ``finish`` with fewer than the job's quantity closes the job with what was made and puts a
    new job for the rest at the same place in the queue, so the shortfall is never forgotten.
    ``pause`` may record how many are made so far.
    """
    job = db.session.get(ProductionJob, job_id)
    if job is None:
        raise NotFound("We could not find that job.")
    if job.maker_id != maker.id or job.claim_token != token:
        raise Conflict(what_happened(job_id))
    values = _values(job, action, quantity_done, reason, problem)
    detail: dict[str, object] = {"order": job.order_id, **_device(device), **_audited(values)}
    move(job, action, **values)
    if action == "finish":
        detail.update(_close_finished(job))
    audit.record(maker, f"job.{action}", f"job:{job_id}", None, **detail)
    if action == "finish":
        _finish_order_if_done(job.order)
    db.session.commit()
    return job


def job_quantity(job_id: int) -> int | None:
    """How many a job asks for now (a finish that makes fewer splits the rest off)."""
    job = db.session.get(ProductionJob, job_id)
    return job.quantity if job is not None else None


def _values(
    job: ProductionJob, action: str, quantity_done: int | None, reason: str, problem: str
) -> dict[str, object]:
    """The columns an action sets besides the status, checked: what a maker typed or tapped."""
    if action in ("finish", "pause") and quantity_done is not None and not 0 <= quantity_done <= job.quantity:
        raise Invalid(
            gettext("Enter a number from 0 to %(most)s.", most=job.quantity),
            {"quantity_done": "out of range"},
        )
    if action == "finish":
        return {"quantity_done": job.quantity if quantity_done is None else quantity_done}
    if action == "pause" and quantity_done is not None:
        return {"quantity_done": quantity_done}
    if action == "report_problem":
        return {"problem": _problem(reason, problem)}
    if action == "release":
        return {"maker_id": None, "claim_token": None}
    return {}


def _problem(reason: str, problem: str) -> str:
    """The reason tapped (or "Something else") and the maker's own words, if any."""
    label = ProblemReason(reason).label if ProblemReason.has(reason) else None
    words = " ".join(problem.split())[:500]
    if label is None and not words:
        raise Invalid(gettext("Tap a reason, or say what the problem is."), {"reason": "missing"})
    return f"{label or ProblemReason.OTHER.label}{': ' + words if words else ''}"


_AUDITED = {"quantity_done": "made", "problem": "problem"}
"""The values staff read in the audit trail, under the names they read them by."""


def _audited(values: dict[str, object]) -> dict[str, object]:
    return {_AUDITED[name]: value for name, value in values.items() if name in _AUDITED}


def _close_finished(job: ProductionJob) -> dict[str, object]:
    """Queue the shortfall of a finished job as a new job; say in the audit what was split."""
    rest = _split_shortfall(job)
    return {"minutes": job.maker_minutes, **({"rest_job": rest.id} if rest is not None else {})}


def _split_shortfall(job: ProductionJob) -> ProductionJob | None:
    """Close a job at what was made; queue the rest as a new job in the same place."""
    short = job.quantity - job.quantity_done
    if short <= 0:
        return None
    left = job.minutes_for(short)
    rest = ProductionJob(
        order_id=job.order_id,
        kind=job.kind,
        title=retitle(job.title, job.quantity, short),
        product_id=job.product_id,
        colour=job.colour,
        quantity=short,
        maker_minutes=left,
        priority=job.priority,
    )
    job.title = retitle(job.title, job.quantity, job.quantity_done)
    job.quantity = job.quantity_done
    job.maker_minutes -= left
    db.session.add(rest)
    db.session.flush()
    return rest
