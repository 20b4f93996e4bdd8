"""The makers' queue: claim the next job safely, then move it with the claim token."""

from __future__ import annotations

import secrets

from sqlalchemy import select, update

from app.extensions import db
from app.models import ProductionJob, User, utcnow
from app.services import audit, orders
from app.services.errors import Conflict, Invalid, NotFound
from configurator.states import JOB, IllegalTransition

STALE_CLAIM = "This job was moved by someone else in the meantime. The board has been refreshed."


def board(maker: User) -> tuple[list[ProductionJob], list[ProductionJob]]:
    """The maker's own open jobs, and the queue waiting to be claimed (by priority)."""
    mine = db.session.scalars(
        select(ProductionJob)
        .where(
            ProductionJob.maker_id == maker.id, ProductionJob.status.in_(("claimed", "in_progress", "paused"))
        )
        .order_by(ProductionJob.priority, ProductionJob.id)
    ).all()
    waiting = db.session.scalars(
        select(ProductionJob)
        .where(ProductionJob.status == "queued")
        .order_by(ProductionJob.priority, ProductionJob.id)
        .limit(20)
    ).all()
    return list(mine), list(waiting)


def claim_next(maker: User) -> ProductionJob | None:
    """Claim the most urgent queued job for this maker, exactly once under concurrency.

    PostgreSQL skips rows other claimers have locked; SQLite serialises writers, and the
    conditional UPDATE makes a lost race visible as rowcount 0, so we try the next row.
    """
    for _ in range(10):
        candidate = select(ProductionJob.id).where(ProductionJob.status == "queued")
        candidate = candidate.order_by(ProductionJob.priority, ProductionJob.id).limit(1)
        if db.session.get_bind().dialect.name == "postgresql":
            candidate = candidate.with_for_update(skip_locked=True)
        job_id = db.session.scalar(candidate)
        if job_id is None:
            db.session.rollback()
            return None
        token = secrets.token_hex(16)
        claimed = db.session.execute(
            update(ProductionJob)
            .where(ProductionJob.id == job_id, ProductionJob.status == "queued")
            .values(
                status=JOB.next("queued", "claim"), maker_id=maker.id, claim_token=token, updated_at=utcnow()
            )
        ).rowcount
        if claimed:
            job = db.session.get(ProductionJob, job_id)
            db.session.refresh(job)
            if job.order.status == "confirmed":
                orders.advance(job.order, "start_production", maker)
            audit.record(maker, "job.claim", f"job:{job.id}", None)
            db.session.commit()
            return job
        db.session.rollback()
    return None


def act(
    maker: User, job_id: int, token: str, action: str, quantity_done: int | None = None, problem: str = ""
) -> None:
    """Move a claimed job; refused when the token is stale (someone reassigned or re-claimed it)."""
    job = db.session.get(ProductionJob, job_id)
    if job is None:
        raise NotFound("We could not find that job.")
    try:
        new_status = JOB.next(job.status, action)
    except IllegalTransition as exc:
        raise Conflict(STALE_CLAIM) from exc
    values: dict[str, object] = {"status": new_status, "updated_at": utcnow()}
    if action == "finish":
        values["quantity_done"] = job.quantity if quantity_done is None else quantity_done
        if not 0 <= values["quantity_done"] <= job.quantity:  # type: ignore[operator]
            raise Invalid(f"Enter a number from 0 to {job.quantity}.")
    if action == "report_problem":
        if not problem.strip():
            raise Invalid("Please say what the problem is.")
        values["problem"] = problem.strip()[:1000]
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
    audit.record(maker, f"job.{action}", f"job:{job_id}", None)
    db.session.refresh(job)
    order = job.order
    if order.status == "in_production" and all(j.status == "done" for j in order.jobs):
        orders.advance(order, "send_to_qa", None)
    db.session.commit()
