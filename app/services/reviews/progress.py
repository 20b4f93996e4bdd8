"""Where a design stands: one sentence for this person, saying whose move it is."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Design, Order, Role, User
from app.services import workers
from app.services.reviews.common import COLLEAGUE, approvals
from app.services.reviews.rules import needs_approver


@dataclass(frozen=True)
class Standing:
    tone: str  # "wait", "act", "done", "problem"
    text: str


def standing(design: Design, user: User) -> Standing:
    """One sentence that tells this person where the design stands and whose move it is."""
    proof = design.latest_proof
    if proof is None:
        return Standing("wait", "No proof yet: submit the design to get one.")
    if workers.proof_is_late(proof):
        return Standing("wait", f"Proof v{proof.version} is {workers.LATE_TEXT}.")
    if proof.status in ("queued", "rendering"):
        return Standing("wait", f"Proof v{proof.version} is being drawn. This takes a few seconds.")
    if proof.status == "failed":
        return Standing("problem", f"Proof v{proof.version} could not be drawn. Our team has been told.")
    order = db.session.scalar(select(Order).where(Order.design_id == design.id))
    if order is not None:
        return Standing("done", f"Approved by both sides. Order {order.reference} is confirmed.")
    if design.status == "draft":
        return Standing(
            "act", f"Changes were requested on proof v{proof.version}. Edit the design and submit it again."
        )
    got = approvals(proof)
    threshold = design.organisation.approval_threshold
    staff_done = "staff" in got
    if "buyer" not in got:
        if needs_approver(proof):
            limit = f"${threshold:,.2f}"
            if user.role in (Role.APPROVER, Role.ADMIN):
                return Standing(
                    "act",
                    f"Waiting for your approval: this order is above your organisation's limit of {limit}.",
                )
            if user.is_buyer_side:
                endorsed = [r for r in proof.reviews if r.side == COLLEAGUE and r.decision == "approve"]
                if any(r.user_id == user.id and r.guest is None for r in endorsed):
                    return Standing(
                        "wait",
                        f"You approved it. Waiting for your approver: orders above {limit} need their approval.",
                    )
                if endorsed:
                    return Standing(
                        "wait", f"Waiting for your approver: orders above {limit} need their approval."
                    )
                return Standing(
                    "act",
                    f"Proof v{proof.version} is ready. Orders above {limit} need your approver: "
                    "approve it to send it to them, or ask for changes.",
                )
            return Standing("wait", "Waiting for the buyer's approver.")
        if user.is_buyer_side:
            return Standing("act", f"Waiting for your approval of proof v{proof.version}.")
        return Standing(
            "wait",
            "Waiting for the buyer's approval."
            if staff_done
            else "Waiting for the buyer's approval; you can check the print details now.",
        )
    if not staff_done:
        if user.is_staff:
            return Standing("act", "The buyer approved. Waiting for your check.")
        return Standing("wait", "You approved. Waiting for Gifts of Hope to check the print details.")
    return Standing("done", "Approved by both sides.")
