"""Cancelling an order: by its buyer's side before production starts, by staff after; a credit note follows.

The terms and who may cancel when are pure (:mod:`configurator.cancellation`). The move is the
order machine's ``cancel`` through :func:`app.services.orders.advance`, one ``UPDATE``
conditional on the status the order was read with under its row lock: a buyer's cancel and
staff's "Start production" at the same instant never both land, and a buyer's cancel that
reads the order after production started is refused (:data:`~configurator.cancellation.STAFF_ONLY`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import update

from app.extensions import db
from app.models import CreditNote, Order, ProductionJob, User
from app.services import invoices, notifications, orders, payments
from app.services.errors import Conflict, Forbidden, Invalid
from app.services.production._shared import HELD, lock, release_path, walk
from app.services.transaction import commits
from configurator.cancellation import (
    BUYER_MAY_CANCEL,
    STAFF_ONLY,
    CancellationTerms,
    cancellation_terms,
    check_reason,
)
from configurator.payments import ZERO
from configurator.states import ORDER
from configurator.vocabulary import MEMBER_ROLES


def terms_for(order: Order) -> CancellationTerms:
    """What cancelling the order would cost now, from its invoice (or quote) and the work done."""
    invoice = invoices.invoice_of(order)
    total = invoice.total if invoice else Decimal(order.quote["total"])
    paid = payments.standing(invoice).paid if invoice else ZERO
    done, minutes = orders.progress(order)
    return cancellation_terms(order.status, total, paid, done, minutes)


def cancellable(order: Order) -> bool:
    """Whether the order machine still lets the order be cancelled (by anyone)."""
    return "cancel" in ORDER.allowed(order.status)


@dataclass(frozen=True)
class Offer:
    """What the buyer's order page says about cancelling: the form with its terms, or why not."""

    terms: CancellationTerms | None
    """The terms when this person may cancel now (the form is shown)."""
    refusal: str
    """Why not, when the order can still be cancelled but only by staff."""


def offer(user: User, order: Order) -> Offer | None:
    """None when nothing is said (the order cannot be cancelled any more)."""
    if not cancellable(order) or not _member(user, order):
        return None
    if order.status not in BUYER_MAY_CANCEL:
        return Offer(None, STAFF_ONLY)
    return Offer(terms_for(order), "")


def _member(user: User, order: Order) -> bool:
    return user.organisation_id == order.organisation_id and user.role in MEMBER_ROLES


@commits
def cancel(actor: User, order: Order, reason: str) -> CreditNote | None:
    """Cancel the order with a reason (required); an invoiced order gets its credit note.

    Staff cancel at any point the order machine allows; the order's own buyer, approver or
    organisation admin only before production starts. Held jobs are taken off the makers
    first (jobs before the order row: the lock order every job change keeps), then the order
    and its invoice are locked, so a payment recorded at the same moment is either counted in
    the refund or refused as the order is cancelled.
    """
    cleaned, problem = check_reason(reason)
    if problem:
        raise Invalid(f"Please correct the reason: {problem}", {"reason": problem})
    if not (actor.is_staff or _member(actor, order)):
        raise Forbidden("Only the order's organisation or our staff can cancel it.")
    _refuse_buyer_after_production(actor, order)
    _release_jobs(order)
    order = lock(order)
    _refuse_buyer_after_production(actor, order)  # what the conditional UPDATE below holds to
    invoice = invoices.locked_invoice_of(order)
    terms = terms_for(order)
    orders.advance(order, "cancel", actor, reason=cleaned)
    note = invoices.credit(invoice, terms, cleaned, actor) if invoice is not None else None
    notifications.notify("order_cancelled", order_id=order.id, actor_id=actor.id, reason=cleaned)
    return note


def _refuse_buyer_after_production(actor: User, order: Order) -> None:
    if not actor.is_staff and order.status not in BUYER_MAY_CANCEL and cancellable(order):
        raise Conflict(STAFF_ONLY)


def _release_jobs(order: Order) -> None:
    """Take held jobs off the makers (their tokens go stale, the board hides the order), each by a conditional UPDATE."""
    for status in HELD:
        db.session.execute(
            update(ProductionJob)
            .where(ProductionJob.order_id == order.id, ProductionJob.status == status)
            .values(status=walk(status, *release_path(status)), maker_id=None, claim_token=None)
            .execution_options(synchronize_session=False)
        )
