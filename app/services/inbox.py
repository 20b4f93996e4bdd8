"""What is waiting for this person, first on their home page: one item per thing, why, and where.

A fixed number of queries whatever the number of items (the home page is every user's first
page): a buyer's or approver's designs with their proofs and reviews; staff's proofs to check
with their reviews and designs, the problems reported by makers with their orders, and the
orders at risk from the production plan (computed once per backlog version, never here).
Makers have no inbox: their board is what waits for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Design, Order, ProductionJob, Proof, Review, Role, User
from app.services import payments, production
from app.services.production.planning import OrderOutlook
from app.services.reviews.common import COLLEAGUE, approvals
from app.services.reviews.progress import sent_back
from app.services.reviews.queue import pending_staff_review
from app.services.reviews.rules import needs_approver
from configurator.pricing import dollars
from configurator.states import DesignStatus, RenderStatus
from configurator.status_text import Facts, design_sentence
from configurator.vocabulary import Decision, ReviewSide


@dataclass(frozen=True)
class InboxItem:
    kind: str
    """review, approve, sent_back, check, problem, at_risk, overdue: the page's icon and the tests read it."""
    title: str
    why: str
    url: str
    action: str
    """The link's words: what the person does there."""


@dataclass(frozen=True)
class Inbox:
    items: tuple[InboxItem, ...]

    def __bool__(self) -> bool:
        return bool(self.items)


OPEN = (DesignStatus.DRAFT, DesignStatus.SUBMITTED)
"""The statuses in which a design may wait for a member: sent back as a draft, or a proof to decide."""


_OPEN_DESIGNS = (
    select(Design)
    .where(
        Design.organisation_id == bindparam("organisation"),
        Design.archived_at.is_(None),
        Design.status.in_(OPEN),
    )
    .options(
        selectinload(Design.proofs)
        .selectinload(Proof.reviews)
        .options(joinedload(Review.user), joinedload(Review.guest))
    )
    .order_by(Design.updated_at)
)
"""Built once: a member's designs that may wait for them (drafts sent back, proofs to decide)."""


def inbox_for(user: User, designs: Sequence[Design] | None = None) -> Inbox:
    """The items waiting for ``user``: none for makers and the workshop tablet.

    ``designs``: every current design of the member's organisation, with proofs and reviews,
    when the page has them already (the design list); they are not asked for again.
    """
    if user.is_staff:
        return staff_inbox(
            pending_staff_review(),
            production.open_jobs("problem"),
            production.at_risk(production.plan()),
            payments.overdue(production.today()),
        )
    if user.is_buyer_side and user.organisation_id is not None:
        return Inbox(tuple(_member_items(user, designs)))
    return Inbox(())


def _member_items(user: User, designs: Sequence[Design] | None) -> list[InboxItem]:
    if designs is None:
        found = list(db.session.scalars(_OPEN_DESIGNS, {"organisation": user.organisation_id}))
    else:
        found = sorted(
            (d for d in designs if d.status in OPEN and d.archived_at is None), key=lambda d: d.updated_at
        )
    items = []
    for design in found:
        item = (
            _sent_back_item(design, user)
            if design.status == DesignStatus.DRAFT
            else _decide_item(design, user)
        )
        if item is not None:
            items.append(item)
    return items


def _sent_back_item(design: Design, user: User) -> InboxItem | None:
    """A draft sent back to its author (colleagues see it on the design list, not as their task)."""
    back = sent_back(design, user) if design.created_by_id == user.id else None
    if back is None:
        return None
    return InboxItem(
        "sent_back",
        f"“{design.name}”: {design_sentence(DesignStatus.DRAFT, Facts(reason=back.reason))}",
        back.sentence + ".",
        url_for("designs.show", design_id=design.id),
        "Change the design",
    )


def _decide_item(design: Design, user: User) -> InboxItem | None:
    """A ready proof that waits for this member's decision (or, above the limit, their approver's)."""
    proof = design.latest_proof
    if proof is None or proof.status != RenderStatus.READY or ReviewSide.BUYER in approvals(proof):
        return None
    url = url_for("review.show", design_id=design.id, v=proof.version)
    if not needs_approver(proof):
        why = f"Proof v{proof.version} is ready and waits for your organisation's approval."
        return InboxItem("review", f"Review the proof of “{design.name}”", why, url, "Review and approve")
    limit = f"${design.organisation.approval_threshold:,.2f}"
    if user.holds(Role.APPROVER):
        why = f"Proof v{proof.version} is above your organisation's limit of {limit}: only an approver can approve it."
        return InboxItem("approve", f"Approve “{design.name}”", why, url, "Approve or ask for changes")
    endorsed = any(
        r.side == COLLEAGUE and r.decision == Decision.APPROVE and r.user_id == user.id and r.guest is None
        for r in proof.reviews
    )
    if endorsed:
        return None  # their part is done; the approver's inbox has it
    why = f"Proof v{proof.version} is ready. Orders above {limit} also need your approver."
    return InboxItem("review", f"Review the proof of “{design.name}”", why, url, "Review the proof")


def staff_inbox(
    waiting: list[Proof],
    problems: list[ProductionJob],
    risky: list[tuple[OrderOutlook, Order]],
    overdue: list[payments.Overdue],
) -> Inbox:
    """Staff's inbox from what their dashboard already found (so it costs that page no query)."""
    items = [_check_item(proof) for proof in waiting]
    for job in problems:
        items.append(
            InboxItem(
                "problem",
                f"Problem with “{job.title}” ({job.order.reference})",
                f"A maker reported: {job.problem or 'no details given'}",
                url_for("staff.queue", status="problem"),
                "Solve it in the job queue",
            )
        )
    for outlook, order in risky:
        expected = outlook.delivery.strftime("%d %b")
        needed = outlook.needed_by.strftime("%d %b") if outlook.needed_by else "its date"
        why = f"Needed by {needed}, expected {expected}: {outlook.remaining_hours} hours of work left."
        if outlook.late:
            why = f"Late: it was needed by {needed}. {outlook.remaining_hours} hours of work left."
        if outlook.limit_sentence:
            why = f"{why} {outlook.limit_sentence}"
        items.append(
            InboxItem(
                "at_risk",
                f"Order {order.reference} ({order.organisation.name}) is at risk",
                why,
                url_for("staff.order", order_id=order.id),
                "See the order",
            )
        )
    items.extend(_overdue_item(late) for late in overdue)
    return Inbox(tuple(items))


def _overdue_item(late: payments.Overdue) -> InboxItem:
    return InboxItem(
        "overdue",
        f"Invoice {late.invoice} ({late.organisation}) is overdue",
        f"It was due on {late.due_on:%d %b %Y}: {dollars(late.due)} of {dollars(late.total)} "
        f"is still to pay for order {late.order_reference}.",
        url_for("staff.order", order_id=late.order_id, _anchor="payments"),
        "Record a payment",
    )


def _check_item(proof: Proof) -> InboxItem:
    design = proof.design
    if proof.status == RenderStatus.FAILED:
        why = f"Proof v{proof.version} could not be drawn: retry it or look at the design."
    else:
        facts = Facts(
            staff=True,
            buyer_approved=ReviewSide.BUYER in approvals(proof),
            approver_needed=needs_approver(proof),
        )
        why = design_sentence(DesignStatus.SUBMITTED, facts) + "."
    return InboxItem(
        "check",
        f"Check proof v{proof.version} of “{design.name}” ({design.organisation.name})",
        why,
        url_for("review.show", design_id=design.id, v=proof.version),
        "Check the print details",
    )
