"""What every part of reviewing needs: the sides, the approvals that count, and comment text."""

from __future__ import annotations

from app.extensions import db
from app.models import Proof, User
from app.services.designs import get_design
from app.services.errors import Invalid, NotFound

COMMENT_MAX = 2000
COLLEAGUE = "colleague"
"""The side of a buyer-side approval that does not count on its own (above the approval threshold)."""


def side_of(user: User) -> str:
    return "staff" if user.is_staff else "buyer"


def get_proof(user: User, proof_id: int) -> Proof:
    proof = db.session.get(Proof, proof_id)
    if proof is None:
        raise NotFound("We could not find that proof.")
    get_design(user, proof.design_id)  # raises NotFound across organisations
    return proof


def approvals(proof: Proof) -> set[str]:
    """The sides whose approval counts: a subset of {"buyer", "staff"}."""
    return {r.side for r in proof.reviews if r.decision == "approve" and r.side in ("buyer", "staff")}


def _clean_comment(comment: str, *, required: bool) -> str:
    comment = comment.replace("\r\n", "\n").strip()
    if required and not comment:
        raise Invalid("Please say what should change.", {"comment": "Please say what should change."})
    if len(comment) > COMMENT_MAX:
        raise Invalid(f"Keep comments under {COMMENT_MAX} characters.", {"comment": "Too long."})
    return comment
