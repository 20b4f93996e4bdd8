"""The facts a status sentence needs, read from the rows; the sentences are :mod:`configurator.status_text`."""

from __future__ import annotations

from app.models import Design, Order, Proof, Role, User
from app.services import payments
from app.services.reviews.common import approvals
from app.services.reviews.progress import sent_back
from app.services.reviews.rules import needs_approver
from configurator.states import DesignStatus, OrderStatus, RenderStatus
from configurator.status_text import Facts, design_sentence, order_sentence, proof_sentence
from configurator.vocabulary import JobKind, ReviewSide


def design_words(design: Design, viewer: User) -> str:
    """The design's status as its reader understands it (whose move it is)."""
    proof = design.latest_proof
    facts = Facts(staff=viewer.is_staff, reader_is_approver=viewer.holds(Role.APPROVER))
    if design.status == DesignStatus.DRAFT:
        back = sent_back(design, viewer)
        facts = Facts(staff=viewer.is_staff, reason=back.reason if back else "")
    elif design.status == DesignStatus.SUBMITTED and proof is not None:
        if proof.status != RenderStatus.READY:
            return proof_sentence(
                RenderStatus(proof.status), Facts(staff=viewer.is_staff, version=proof.version)
            )
        facts = Facts(
            staff=viewer.is_staff,
            reader_is_approver=viewer.holds(Role.APPROVER),
            approver_needed=needs_approver(proof),
            buyer_approved=ReviewSide.BUYER in approvals(proof),
        )
    return design_sentence(DesignStatus(design.status), facts)


def items_made(order: Order) -> tuple[int, int]:
    """Items made of the order's total: the "make" jobs' pieces done, whatever their colour."""
    made = [job for job in order.jobs if job.kind == JobKind.MAKE]
    return sum(j.quantity_done for j in made), sum(j.quantity for j in made)


def order_words(order: Order, viewer: User | None = None) -> str:
    status = OrderStatus(order.status)
    if status == OrderStatus.CONFIRMED:
        waiting = payments.hold(order, "start_production").refusal is not None
        return order_sentence(status, Facts(awaiting_deposit=waiting))
    if status != OrderStatus.IN_PRODUCTION:
        return order_sentence(status)
    made, total = items_made(order)
    return order_sentence(status, Facts(staff=bool(viewer and viewer.is_staff), made=made, total=total))


def proof_words(proof: Proof) -> str:
    """A proof version's drawing status, for the version history."""
    return proof_sentence(RenderStatus(proof.status), Facts(version=proof.version))
