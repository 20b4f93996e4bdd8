"""Proof decisions by the buyer's side and by staff; both approvals make an order."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Order, Proof, Review, User
from app.services import audit, orders
from app.services.designs import get_design
from app.services.errors import Conflict, Invalid, NotFound
from configurator.states import DESIGN

DECISIONS = ("approve", "request_changes")


def side_of(user: User) -> str:
    return "staff" if user.is_staff else "buyer"


def get_proof(user: User, proof_id: int) -> Proof:
    proof = db.session.get(Proof, proof_id)
    if proof is None:
        raise NotFound("We could not find that proof.")
    get_design(user, proof.design_id)  # raises NotFound across organisations
    return proof


def approvals(proof: Proof) -> set[str]:
    return {r.side for r in proof.reviews if r.decision == "approve"}


def decide(user: User, proof: Proof, version: int, decision: str, comment: str) -> Order | None:
    """Record a decision on the version the user saw; returns the order once both sides approved."""
    design = proof.design
    latest = design.latest_proof
    if decision not in DECISIONS:
        raise Invalid("Choose approve or request changes.")
    if version != proof.version or latest is None or latest.id != proof.id:
        raise Conflict(
            f"You were looking at proof v{version}, but the latest is v{latest.version if latest else '?'}. "
            "Please review the latest version."
        )
    if design.status != "submitted" or proof.status != "ready":
        raise Conflict("This proof is not waiting for a decision any more.")
    comment = comment.strip()
    if decision == "request_changes" and not comment:
        raise Invalid("Please say what should change.", {"comment": "Please say what should change."})
    side = side_of(user)
    if decision == "approve" and side in approvals(proof):
        return None  # a double click: already approved by this side
    db.session.add(Review(proof=proof, user_id=user.id, side=side, decision=decision, comment=comment))
    audit.record(
        user,
        f"proof.{decision}",
        f"proof:{proof.id}",
        design.organisation_id,
        version=proof.version,
        side=side,
    )
    order = None
    if decision == "request_changes":
        design.status = DESIGN.next(design.status, "request_changes")
    elif approvals(proof) >= {"buyer", "staff"}:
        design.status = DESIGN.next(design.status, "approve")
        order = orders.create_from(user, proof)
    db.session.commit()
    return order


def pending_staff_review() -> list[Proof]:
    """Ready proofs of submitted designs that staff have not approved yet."""
    candidates = db.session.scalars(
        select(Proof).where(Proof.status.in_(("ready", "failed"))).order_by(Proof.updated_at)
    ).all()
    return [
        p
        for p in candidates
        if p.design.status == "submitted" and p.design.latest_proof is p and "staff" not in approvals(p)
    ]
