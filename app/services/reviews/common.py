"""What every part of reviewing needs: the sides, the approvals that count, and comment text."""

from __future__ import annotations

from app.extensions import db
from app.models import Proof, User
from app.services.designs import get_design
from app.services.errors import Invalid, NotFound
from configurator.vocabulary import COUNTED_SIDES, Decision, ReviewSide

COMMENT_MAX = 2000
COLLEAGUE = ReviewSide.COLLEAGUE


def side_of(user: User) -> ReviewSide:
    return ReviewSide.STAFF if user.is_staff else ReviewSide.BUYER


def get_proof(user: User, proof_id: int) -> Proof:
    proof = db.session.get(Proof, proof_id)
    if proof is None:
        raise NotFound("We could not find that proof.")
    get_design(user, proof.design_id)  # raises NotFound across organisations
    return proof


def approvals(proof: Proof) -> set[str]:
    """The sides whose approval counts: a subset of :data:`~configurator.vocabulary.COUNTED_SIDES`."""
    return {r.side for r in proof.reviews if r.decision == Decision.APPROVE and r.side in COUNTED_SIDES}


def _clean_comment(comment: str, *, required: bool) -> str:
    comment = comment.replace("\r\n", "\n").strip()
    if required and not comment:
        raise Invalid("Please say what should change.", {"comment": "Please say what should change."})
    if len(comment) > COMMENT_MAX:
        raise Invalid(f"Keep comments under {COMMENT_MAX} characters.", {"comment": "Too long."})
    return comment
