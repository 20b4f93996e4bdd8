"""Decisions on a proof, by account holders and by share-link guests; both approvals make an order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Design, Order, Proof, Review, User, utcnow
from app.models.review import GuestReview, ShareLink
from app.services import audit, notifications, orders
from app.services.errors import Conflict, Invalid
from app.services.reviews.common import COLLEAGUE, _clean_comment, approvals, side_of
from app.services.reviews.guests import Guest, guest_may_approve
from app.services.reviews.openness import Closed, why_closed
from app.services.reviews.rules import may_approve_for_buyer, proof_total
from app.services.share_links import record_guest
from app.services.webhooks import deliveries as webhooks
from configurator.states import DESIGN, DesignStatus
from configurator.vocabulary import COUNTED_SIDES, Decision, ReviewSide, WebhookEvent


def _check_open(proof: Proof, version: int, decision: str) -> None:
    """Refuse a decision on a proof that is not open for one, or on a version not the one seen."""
    if not Decision.has(decision):
        raise Invalid("Choose approve or request changes.")
    closed = why_closed(proof)
    if version != proof.version or closed is Closed.NOT_LATEST:
        latest = proof.design.latest_proof
        raise Conflict(
            f"You were looking at proof v{version}, but the latest is v{latest.version if latest else '?'}. "
            "Please review the latest version."
        )
    if closed is Closed.ORDERED and decision == Decision.APPROVE:
        raise Conflict(closed.text)
    if closed in (Closed.ORDERED, Closed.REOPENED):
        what = "approval" if decision == Decision.APPROVE else "request for changes"
        raise Conflict(f"{closed.text.removesuffix('.')}; your {what} was not recorded.")
    if closed is not None:
        raise Conflict(closed.text)


def _order_of(proof: Proof, version: int, decision: str) -> Order | None:
    """The order this very version became, when an approval of it arrives just after the order was made.

    Such an approval is as valid as the ones before it: it is recorded, not refused.
    """
    if (
        decision != Decision.APPROVE
        or version != proof.version
        or proof.design.status != DesignStatus.ORDERED
    ):
        return None
    return db.session.scalar(select(Order).where(Order.proof_id == proof.id))


def _conclude(proof: Proof, review: Review, actor: User | None, guest_name: str = "") -> Order | None:
    """After a decision: move the design, queue the emails, make the order when both sides agree."""
    design = proof.design
    db.session.flush()
    ids: dict[str, Any] = {
        "proof_id": proof.id,
        "actor_id": actor.id if actor else None,
        "review_id": review.id,
        "reason": review.comment,
        "side": review.side,
        "guest_name": guest_name,
    }
    if review.decision == Decision.REQUEST_CHANGES:
        design.status = DESIGN.next(design.status, "request_changes")
        notifications.notify("changes_requested", **ids)
        webhooks.proof_event(WebhookEvent.PROOF_CHANGES_REQUESTED, proof)
        return None
    if review.side == COLLEAGUE:
        notifications.notify("approval_needed", **ids)
        return None
    if approvals(proof) >= COUNTED_SIDES:
        design.status = DESIGN.next(design.status, "approve")
        order = orders.create_from(actor, proof)  # type: ignore[arg-type] - None: a guest's approval
        db.session.flush()
        notifications.notify("order_confirmed", order_id=order.id)
        return order
    notifications.notify("approved", **ids)
    return None


SIMULTANEOUS = "Several people decided on this proof at the same moment. Please check where it stands now."
ATTEMPTS = 6
"""Each lost attempt means another decision landed; a decision is refused only past this many."""


def _serialised(attempt: Any, proof: Proof) -> Any:
    """Run a decision so that several at the same moment on one design cannot act on stale state.

    Every decision touches its design row, whose ``revision`` is an optimistic lock: of concurrent
    decisions (a double-clicked approve; buyer, approver and staff approving together) only one
    update lands; each other one is rolled back and run again on fresh data, where it sees what
    landed (so a double click does nothing, and the sides approving together make one order,
    which the unique order per design also guarantees). Every person decides at most once, so a
    handful of attempts lets every decision through.
    """
    proof_id = proof.id
    for _ in range(ATTEMPTS):
        try:
            return attempt(proof)
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            proof = db.session.get(Proof, proof_id)
    raise Conflict(SIMULTANEOUS)


def _touch(design: Design) -> None:
    design.updated_at = utcnow()  # an UPDATE guarded by the revision: see _serialised


def decide(user: User, proof: Proof, version: int, decision: str, comment: str) -> Order | None:
    """Record a decision on the version the user saw; returns the order once both sides approved.

    A buyer-side approval above the organisation's threshold by someone who is not its
    approver is recorded (the approver sees it) but does not count; the approver is emailed.
    """
    return _serialised(lambda fresh: _decide(user, fresh, version, decision, comment), proof)


def _decide(user: User, proof: Proof, version: int, decision: str, comment: str) -> Order | None:
    ordered = _order_of(proof, version, decision)
    if ordered is None:
        _check_open(proof, version, decision)
    comment = _clean_comment(comment, required=decision == Decision.REQUEST_CHANGES)
    side = side_of(user)
    if decision == Decision.APPROVE and side == ReviewSide.BUYER and not may_approve_for_buyer(user, proof):
        side = COLLEAGUE
    if decision == Decision.APPROVE and any(
        r.user_id == user.id and r.side == side and r.decision == Decision.APPROVE for r in proof.reviews
    ):
        return ordered  # a double click: this person already approved
    counted = approvals(proof)
    review = Review(proof=proof, user_id=user.id, side=side, decision=decision, comment=comment)
    db.session.add(review)
    audit.record(
        user,
        f"proof.{decision}",
        f"proof:{proof.id}",
        proof.design.organisation_id,
        version=proof.version,
        side=side,
        comment=comment[:500],
        total=str(proof_total(proof)),
        counts=side != COLLEAGUE,
    )
    _touch(proof.design)
    if ordered is None and not (decision == Decision.APPROVE and side in counted):
        ordered = _conclude(proof, review, user)
    # else: a second approval of a side that had approved, or one just after the order: recorded
    db.session.commit()
    return ordered


def guest_approve(link: ShareLink, guest: Guest, comment: str) -> Order | None:
    """A colleague without an account approves through a share link. Commits.

    Their approval counts as the buyer side's when the link allows it and the order is not
    above the approval threshold; otherwise it is recorded for the buyer and approver to see.
    """
    link_id = link.id
    return _serialised(
        lambda _fresh: _guest_approve(db.session.get(ShareLink, link_id), guest, comment), link.proof
    )


def _guest_approve(link: ShareLink, guest: Guest, comment: str) -> Order | None:
    proof = link.proof
    _check_open(proof, proof.version, Decision.APPROVE)
    comment = _clean_comment(comment, required=False)
    side = ReviewSide.BUYER if guest_may_approve(link) else COLLEAGUE
    already = db.session.scalar(
        select(GuestReview.review_id)
        .join(Review)
        .where(
            GuestReview.share_link_id == link.id,
            GuestReview.email == guest.email,
            Review.proof_id == proof.id,
        )
        .limit(1)
    )
    if already is not None or (side == ReviewSide.BUYER and ReviewSide.BUYER in approvals(proof)):
        return None
    review = Review(
        proof=proof, user_id=link.created_by_id, side=side, decision=Decision.APPROVE, comment=comment
    )
    db.session.add(review)
    db.session.flush()
    db.session.add(
        GuestReview(review_id=review.id, share_link_id=link.id, name=guest.name, email=guest.email)
    )

    record_guest(
        "proof.approve",
        link,
        guest.name,
        guest.email,
        version=proof.version,
        side=side,
        comment=comment[:500],
        total=str(proof_total(proof)),
        counts=side != COLLEAGUE,
        on_behalf_of=link.created_by_id,
    )
    _touch(proof.design)
    order = _conclude(proof, review, None, guest_name=guest.name)
    db.session.commit()
    return order
