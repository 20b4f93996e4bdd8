"""Where a design stands, for this person: whose move it is, who decided what, and why it came back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import Design, Order, Proof, Review, Role, User
from app.services import workers
from app.services.reviews.comments import decided_by, when
from app.services.reviews.common import COLLEAGUE
from app.services.reviews.rules import needs_approver
from configurator.states import DesignStatus, RenderStatus
from configurator.vocabulary import Decision, ReviewSide


@dataclass(frozen=True)
class Standing:
    tone: str  # "wait", "act", "done", "problem"
    text: str


@dataclass(frozen=True)
class SentBack:
    """The change request that reopened a draft: who asked, when, on which version, in their words."""

    who: str
    at: datetime
    version: int
    reason: str

    @property
    def sentence(self) -> str:
        who = self.who[0].upper() + self.who[1:]
        return f"{who} asked for changes to proof v{self.version} on {when(self.at)}"


def sent_back(design: Design, viewer: User) -> SentBack | None:
    """Why a draft came back, when it did: the buyer must read the reason where they land."""
    if design.status != DesignStatus.DRAFT:
        return None
    proof = design.latest_proof
    if proof is None:
        return None
    asked = [r for r in proof.reviews if r.decision == Decision.REQUEST_CHANGES]
    if not asked:
        return None
    last = asked[-1]
    return SentBack(decided_by(last, viewer), last.created_at, proof.version, last.comment)


@dataclass(frozen=True)
class Approvals:
    """Per side, who approved a proof and when, in words for this viewer; None while it waits."""

    buyer: str | None
    staff: str | None
    endorsements: tuple[str, ...]
    """Buyer-side approvals that wait for the organisation's approver (above its threshold)."""


def _counted(proof: Proof, side: str) -> Review | None:
    return next((r for r in proof.reviews if r.decision == Decision.APPROVE and r.side == side), None)


def _approved_by(review: Review, viewer: User) -> str:
    return f"Approved by {decided_by(review, viewer)} on {when(review.created_at)}"


def approved_by(proof: Proof, viewer: User) -> Approvals:
    buyer, staff = _counted(proof, ReviewSide.BUYER), _counted(proof, ReviewSide.STAFF)
    return Approvals(
        buyer=_approved_by(buyer, viewer) if buyer else None,
        staff=f"Print details checked by {decided_by(staff, viewer)} on {when(staff.created_at)}"
        if staff
        else None,
        endorsements=tuple(
            _approved_by(r, viewer)
            for r in proof.reviews
            if r.decision == Decision.APPROVE and r.side == COLLEAGUE
        ),
    )


def decision_summary(proof: Proof, viewer: User) -> str:
    """The decisions on one version in a few words, for the version history."""
    parts = []
    for r in proof.reviews:
        who = decided_by(r, viewer)
        if r.decision == Decision.REQUEST_CHANGES:
            parts.append(f"changes asked by {who}")
        elif r.side == COLLEAGUE:
            parts.append(f"approved by {who} (needs approver)")
        else:
            parts.append(f"approved by {who}")
    return "; ".join(parts) or "no decision"


_ORDER_OF = select(Order).where(Order.design_id == bindparam("design"))
"""Built once: every review page says where its design stands."""


def standing(design: Design, user: User) -> Standing:
    """One sentence that tells this person where the design stands and whose move it is."""
    proof = design.latest_proof
    if proof is None:
        return Standing("wait", "No proof yet: submit the design to get one.")
    drawing = _drawing(proof)
    if drawing is not None:
        return drawing
    order = db.session.scalar(_ORDER_OF, {"design": design.id})
    if order is not None:
        return Standing("done", f"Approved by both sides. Order {order.reference} is confirmed.")
    if design.status == DesignStatus.DRAFT:
        return Standing(
            "act", f"Changes were requested on proof v{proof.version}. Edit the design and submit it again."
        )
    buyer_approval = _counted(proof, ReviewSide.BUYER)
    staff_done = _counted(proof, ReviewSide.STAFF) is not None
    if buyer_approval is None:
        return _awaiting_buyer(design, proof, user, staff_done)
    if not staff_done:
        approved = _approved_by(buyer_approval, user)
        if user.is_staff:
            return Standing("act", f"{approved}. Waiting for your check.")
        return Standing("wait", f"{approved}. Waiting for Gifts of Hope to check the print details.")
    return Standing("done", "Approved by both sides.")


def _drawing(proof: Proof) -> Standing | None:
    """The proof is not there to decide on yet (late, being drawn, or failed); None once it is."""
    if workers.proof_is_late(proof):
        return Standing("wait", f"Proof v{proof.version} is {workers.LATE_TEXT}.")
    if proof.status in (RenderStatus.QUEUED, RenderStatus.RENDERING):
        return Standing("wait", f"Proof v{proof.version} is being drawn. This takes a few seconds.")
    if proof.status == RenderStatus.FAILED:
        return Standing("problem", f"Proof v{proof.version} could not be drawn. Our team has been told.")
    return None


def _awaiting_buyer(design: Design, proof: Proof, user: User, staff_done: bool) -> Standing:
    """The buyer side has not approved yet: their move, or their approver's above the threshold."""
    if needs_approver(proof):
        return _awaiting_approver(design, proof, user)
    if user.is_buyer_side:
        return Standing("act", f"Waiting for your approval of proof v{proof.version}.")
    return Standing(
        "wait",
        "Waiting for the buyer's approval."
        if staff_done
        else "Waiting for the buyer's approval; you can check the print details now.",
    )


def _awaiting_approver(design: Design, proof: Proof, user: User) -> Standing:
    """Above the organisation's threshold only an approver's approval counts; colleagues endorse."""
    limit = f"${design.organisation.approval_threshold:,.2f}"
    if user.role in (Role.APPROVER, Role.ADMIN):
        return Standing(
            "act",
            f"Waiting for your approval: this order is above your organisation's limit of {limit}.",
        )
    if not user.is_buyer_side:
        return Standing("wait", "Waiting for the buyer's approver.")
    endorsed = [r for r in proof.reviews if r.side == COLLEAGUE and r.decision == Decision.APPROVE]
    if any(r.user_id == user.id and r.guest is None for r in endorsed):
        return Standing(
            "wait",
            f"You approved it. Waiting for your approver: orders above {limit} need their approval.",
        )
    if endorsed:
        return Standing(
            "wait",
            f"{_approved_by(endorsed[-1], user)}. "
            f"Waiting for your approver: orders above {limit} need their approval.",
        )
    return Standing(
        "act",
        f"Proof v{proof.version} is ready. Orders above {limit} need your approver: "
        "approve it to send it to them, or ask for changes.",
    )
