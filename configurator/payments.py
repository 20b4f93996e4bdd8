"""What an order must have paid before it moves on: the deposit rule and the balance rule.

Pure: amounts in, amounts and sentences out. Above an amount staff set (on their billing page;
:data:`DEFAULT_DEPOSIT` until they do), an invoice asks for a deposit (a percentage of its total)
before production starts, and the whole total before the order ships. The deposit is worked out once,
when the invoice is issued (:func:`deposit_for`), and kept on the invoice, so a later change of
the setting never stops an order already under way.

Every requirement here only falls as more is paid (a property test holds it to that): a move
allowed at what was paid when the order was read stays allowed while nothing paid disappears,
which is what the database's conditional update checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from configurator.pricing import dollars, money
from configurator.states import OrderStatus

ZERO = Decimal("0.00")
GATED_ACTIONS = ("start_production", "ship")
"""The order moves (``configurator.states.ORDER``) that wait for money; every other move never does."""
BEFORE_SHIPPING = (
    OrderStatus.CONFIRMED,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.QUALITY_CHECK,
    OrderStatus.PACKED,
)


@dataclass(frozen=True)
class DepositRule:
    """Orders totalling more than ``above`` pay ``percent`` of their total before production."""

    above: Decimal
    percent: Decimal

    def percent_for(self, total: Decimal) -> Decimal:
        """The deposit percentage an invoice of ``total`` asks for: none at or below the amount."""
        return self.percent if total > self.above and self.percent > 0 else Decimal("0")


DEFAULT_DEPOSIT = DepositRule(above=Decimal("5000.00"), percent=Decimal("50"))
"""The rule until staff set their own: half up front on orders above $5,000."""


def check_rule(above: str, percent: str) -> tuple[DepositRule | None, dict[str, str]]:
    """The rule staff typed, with what is wrong by field: an amount from $0, a percentage 0–100."""
    errors: dict[str, str] = {}
    amount = _decimal(above)
    if amount is None or not 0 <= amount < Decimal("1e10") or not _whole_cents(amount):
        errors["above"] = "Enter an amount in dollars from $0 up, such as 5000."
    share = _decimal(percent)
    if share is None or not 0 <= share <= 100 or not _whole_cents(share):
        errors["percent"] = "Enter a percentage from 0 to 100 (0: no deposit)."
    if errors or amount is None or share is None:
        return None, errors
    return DepositRule(amount, share), {}


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "").removeprefix("$").removesuffix("%").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _whole_cents(value: Decimal) -> bool:
    """At most two decimals (12.5, 12.50 and 1E+100 are; 12.345 is not), whatever its size:
    rounding a huge number to cents would raise instead of answering."""
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -2


def deposit_for(total: Decimal, percent: Decimal) -> Decimal:
    """The deposit of an invoice of ``total`` at ``percent``, rounded once, never above the total."""
    return min(money(total * percent / 100), total)


def deposit_terms(deposit: Decimal, percent: Decimal) -> str:
    """The deposit an invoice asks for, as its terms and the order pages say it; empty when none."""
    if not deposit:
        return ""
    return (
        f"This order asks for a {percent.normalize():f}% deposit of {dollars(deposit)} before production "
        "starts, and the balance before it ships."
    )


@dataclass(frozen=True)
class Standing:
    """An invoice's money now: its total, the deposit it asks for (kept on the invoice as
    :func:`deposit_for` made it) and what has been paid."""

    total: Decimal
    deposit: Decimal
    deposit_percent: Decimal
    paid: Decimal

    @property
    def due(self) -> Decimal:
        """What is still to pay (never negative)."""
        return max(self.total - self.paid, ZERO)

    @property
    def gated(self) -> bool:
        """Whether this invoice holds its order back until it is paid (a deposit was asked for)."""
        return self.deposit > 0

    def needed_before(self, action: str) -> Decimal:
        """How much more must be paid before the order may make ``action`` (zero: nothing)."""
        if not self.gated or action not in GATED_ACTIONS:
            return ZERO
        owed = self.deposit if action == "start_production" else self.total
        return max(owed - self.paid, ZERO)

    def refusal(self, action: str) -> str | None:
        """Why the order may not make ``action`` yet, in a sentence; None when it may."""
        short = self.needed_before(action)
        if not short:
            return None
        if action == "start_production":
            sentence = (
                f"A {self.deposit_percent.normalize():f}% deposit of {dollars(self.deposit)} "
                "must be recorded before production starts."
            )
            if short != self.deposit:
                sentence = sentence[:-1] + f"; {dollars(short)} of it is still to be recorded."
            return sentence
        return f"The balance of {dollars(short)} must be recorded before the order ships."

    def next_step(self, status: str) -> str:
        """What the order needs next in money, for the buyer's and the staff's order page."""
        if not self.due:
            return "Paid in full."
        if status == OrderStatus.CONFIRMED and (refusal := self.refusal("start_production")):
            return refusal
        if status in BEFORE_SHIPPING and (refusal := self.refusal("ship")):
            return refusal
        return f"Still to pay: {dollars(self.due)}."


def check_amount(raw: str, due: Decimal) -> tuple[Decimal | None, str]:
    """(the amount staff typed, an error): a positive sum in cents, no more than is still due.

    An overpayment is refused rather than kept as a credit: staff record what settles the
    invoice and return the rest, so an invoice is never paid more than its total.
    """
    amount = _decimal(raw)
    if amount is None:
        return None, "Enter the amount in dollars, such as 1250.00."
    if amount <= 0:
        return None, "Enter an amount above $0.00."
    if not _whole_cents(amount):
        return None, "Enter the amount in dollars and cents (at most two decimals)."
    if not due:
        return None, "This invoice is paid in full; there is nothing left to record."
    if amount > due:
        return None, f"Enter at most {dollars(due)}: that is what is still due on this invoice."
    return amount, ""
