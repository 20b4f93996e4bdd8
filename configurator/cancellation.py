"""What cancelling an order costs under our terms, who may cancel it when, and the reason given.

Pure: amounts and minutes in, amounts and sentences out. The terms (our choice; the quote's
terms said nothing about cancelling):

- Before production starts (the order is confirmed) cancelling costs nothing, and the buyer's
  side may cancel it themselves.
- Once production has started only our staff cancel, and the makers' work already done is
  charged: the order's total times the share of its maker minutes done (a paused or reported
  job's minutes count as far as they went), rounded once in :func:`configurator.pricing.money`.
  A maker paid for hours worked on boxes nobody will take is the cost we cannot give back.

Every cancellation of an invoiced order issues a credit note for the invoice total less that
charge: the credit note reverses what is no longer owed, whatever was paid, and the refund
(what was paid beyond the charge) is money going back, told beside it. Crediting only what was
paid would leave the unpaid rest of the invoice standing as a debt for boxes never made.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from configurator.payments import ZERO
from configurator.pricing import dollars, money
from configurator.states import OrderStatus
from configurator.text import hidden_characters_message

BUYER_MAY_CANCEL = frozenset({OrderStatus.CONFIRMED})
"""While the order is here its buyer's side may cancel it; later, only staff."""
REASON_MAX = 500
STAFF_ONLY = (
    "Production of this order has started, so only Gifts of Hope staff can cancel it now: "
    "write to us and we will tell you what the work done so far costs."
)


@dataclass(frozen=True)
class CancellationTerms:
    """What cancelling costs now: ``charge`` kept, ``credit`` on the credit note, ``refund`` paid back."""

    total: Decimal
    paid: Decimal
    charge: Decimal

    @property
    def credit(self) -> Decimal:
        """The credit note's amount: the invoice total less what is still charged."""
        return self.total - self.charge

    @property
    def refund(self) -> Decimal:
        """What was paid beyond the charge, to be paid back."""
        return max(self.paid - self.charge, ZERO)

    @property
    def still_owed(self) -> Decimal:
        """What the charge asks for beyond what was paid."""
        return max(self.charge - self.paid, ZERO)

    def sentence(self) -> str:
        """The terms in words, for the buyer before they cancel and the credit note after."""
        if not self.charge:
            cost = "Cancelling now costs nothing: production has not started."
        else:
            cost = f"The makers' work done so far is charged: {dollars(self.charge)}."
        credit = f"A credit note of {dollars(self.credit)} cancels the invoice"
        if self.refund:
            return f"{cost} {credit}, and the {dollars(self.refund)} paid is refunded."
        if self.still_owed:
            return f"{cost} {credit}; {dollars(self.still_owed)} of the charge is still to pay."
        return f"{cost} {credit}; nothing was paid, so nothing is refunded."


def cancellation_terms(
    status: str, total: Decimal, paid: Decimal, minutes_done: int, minutes_total: int
) -> CancellationTerms:
    """The terms for an order at ``status`` with ``total`` invoiced and ``paid`` received."""
    if status in BUYER_MAY_CANCEL or minutes_total <= 0 or minutes_done <= 0:
        return CancellationTerms(total, paid, ZERO)
    share = Decimal(min(minutes_done, minutes_total)) / Decimal(minutes_total)
    return CancellationTerms(total, paid, money(total * share))


def check_reason(text: str) -> tuple[str, str]:
    """(the reason trimmed, what is wrong with it or empty): a reason is required and kept short."""
    reason = " ".join(text.split())
    if not reason:
        return reason, "Tell us why the order is cancelled."
    if len(reason) > REASON_MAX:
        return reason, f"Keep the reason to {REASON_MAX} characters (it has {len(reason)})."
    return reason, hidden_characters_message(reason, "reason", single_line=True) or ""
