"""Payments against an order's invoice: recorded, checked, summed, and the money an order still needs.

Every payment comes through :func:`record` from a :class:`PaymentProvider`, the thing that
vouches for the money. Today that is staff (:data:`MANUAL`): a bank transfer or a cheque
arrives and they record it from the order page.

How a card provider plugs in later: add its member to ``configurator.vocabulary.PaymentSource``
and a class with that ``name`` whose ``accepts`` takes ``PaymentMethod.CARD`` only. The buyer's
"Pay by card" button asks the provider for a checkout session of :attr:`Standing.due` and
redirects there; nothing is recorded yet. The provider's webhook (a view that verifies the
provider's signature and answers 2xx quickly) turns the confirmed charge into a
:class:`Received` with the provider's charge id as ``provider_reference`` and calls
:func:`record` with ``actor=None``: the same checks, the same conditional insert, the same audit
event and the same deposit gate as staff's records. ``(provider, provider_reference)`` is
unique, so a webhook delivered twice records the payment once (the second insert fails on the
constraint and the handler answers 2xx all the same). Refunds would be a payment of their own
kind, never a change to a recorded one: what was paid only grows, which the gate relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlalchemy import ColumnElement, Date, DateTime, Numeric, String, exists, func, insert, literal, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import DepositSetting, Invoice, Order, Payment, User, utcnow
from app.services import audit, invoices
from app.services.errors import Conflict, Forbidden, Invalid
from app.services.transaction import commits, dialect_insert
from configurator.payments import (
    GATED_ACTIONS,
    ZERO,
    DepositRule,
    Standing,
    check_amount,
    check_rule,
    deposit_terms,
)
from configurator.pricing import dollars
from configurator.states import OrderStatus
from configurator.text import hidden_characters_message
from configurator.vocabulary import PaymentMethod, PaymentSource

REFERENCE_MAX = 80


class PaymentProvider(Protocol):
    """Who vouches for a payment: stored as ``Payment.provider``."""

    name: PaymentSource

    def accepts(self, method: PaymentMethod) -> bool:
        """Whether money paid this way can come from this provider."""
        ...


class ManualProvider:
    """Staff record money that reached us outside the system (transfer, cheque, card terminal)."""

    name = PaymentSource.MANUAL

    def accepts(self, method: PaymentMethod) -> bool:
        return True


MANUAL = ManualProvider()


@dataclass(frozen=True)
class Received:
    """A payment as its provider reports it, checked, before it is recorded."""

    amount: Decimal
    received_on: date
    method: PaymentMethod
    reference: str = ""
    provider_reference: str | None = None


def paid_towards(invoice_id: ColumnElement[int] | int) -> ColumnElement[Decimal]:
    """What has been paid towards an invoice, as SQL (zero when nothing)."""
    return (
        select(func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.invoice_id == invoice_id)
        .correlate_except(Payment)
        .scalar_subquery()
    )


AWAITING_DEPOSIT = (
    select(Invoice.order_id)
    .join(Order, Order.id == Invoice.order_id)
    .where(Order.status == OrderStatus.CONFIRMED, Invoice.deposit > paid_towards(Invoice.id))
)
"""Orders whose production waits for the deposit (the makers' board hides their jobs)."""


def standing(invoice: Invoice) -> Standing:
    """The invoice's money as committed now (a fresh read, not the session's cached rows)."""
    paid = db.session.scalar(select(paid_towards(invoice.id)))
    return Standing(invoice.total, invoice.deposit, invoice.deposit_percent, Decimal(paid or 0))


@dataclass(frozen=True)
class Hold:
    """What the payments say about an order move: why it may not happen, or what must stay true."""

    refusal: str | None
    still_true: tuple[ColumnElement[bool], ...] = ()
    """Conditions for the move's UPDATE: nothing paid has gone since it was read."""


def hold(order: Order, action: str) -> Hold:
    """Whether the order's payments let it make ``action`` now (``configurator.payments``)."""
    invoice = invoices.invoice_of(order) if action in GATED_ACTIONS else None
    if invoice is None or not invoice.deposit:
        return Hold(None)
    now = standing(invoice)
    refusal = now.refusal(action)
    if refusal is not None:
        return Hold(refusal)
    return Hold(None, (paid_towards(invoice.id) >= now.paid,))


def check(raw_amount: str, received_on: date | None, method: str, reference: str, due: Decimal) -> Received:
    """What staff typed, as a payment; every problem at its field at once."""
    errors: dict[str, str] = {}
    amount, problem = check_amount(raw_amount, due)
    if problem:
        errors["amount"] = problem
    if received_on is None:
        errors["received_on"] = "Enter the day the money arrived."
    elif received_on > utcnow().date():
        errors["received_on"] = "Enter the day the money arrived: today or earlier."
    if not PaymentMethod.has(method):
        errors["method"] = "Choose how the money was paid from the list."
    cleaned = " ".join(reference.split())
    if len(cleaned) > REFERENCE_MAX:
        errors["reference"] = f"Keep the reference to {REFERENCE_MAX} characters."
    elif problem := hidden_characters_message(cleaned, "reference", single_line=True):
        errors["reference"] = problem
    if errors or amount is None or received_on is None:
        raise Invalid("Please correct the payment: " + " ".join(errors.values()), errors)
    return Received(amount, received_on, PaymentMethod(method), cleaned)


@commits
def record_payment(
    staff: User, order: Order, raw_amount: str, received_on: date | None, method: str, reference: str
) -> Payment:
    """Staff record money received against the order's invoice (never more than is due)."""
    if not staff.is_staff:
        raise Forbidden("Only our staff record payments.")
    invoice = _locked_invoice(order)
    return record(
        MANUAL, invoice, check(raw_amount, received_on, method, reference, standing(invoice).due), staff
    )


def _locked_invoice(order: Order) -> Invoice:
    """The order's invoice under a row lock (PostgreSQL), so payments to it are taken one at a time."""
    invoice = invoices.locked_invoice_of(order)
    if invoice is None:
        raise Conflict("This order has no invoice yet, so there is nothing to pay.")
    if order.status == OrderStatus.CANCELLED:
        raise Conflict("This order was cancelled; no payment can be recorded against it.")
    return invoice


def record(provider: PaymentProvider, invoice: Invoice, received: Received, actor: User | None) -> Payment:
    """Record a checked payment from ``provider``, in the caller's transaction; every payment comes here.

    One ``INSERT … SELECT`` that holds only while the invoice's order is not cancelled and what
    was paid so far plus this amount stays within its total: two staff recording the last
    balance at the same instant (or one pressing twice) never pay an invoice twice.
    """
    if not provider.accepts(received.method):
        raise Invalid(
            f"{provider.name.label} does not take {received.method.label.lower()} payments.",
            {"method": "Choose another method."},
        )
    payment_id = db.session.execute(_insert_if_due(provider, invoice, received, actor)).scalar()
    if payment_id is None:
        db.session.rollback()  # to read what the other payment left
        due = standing(invoice).due
        raise Conflict(
            "Someone else recorded a payment for this invoice a moment ago; nothing was saved. "
            + (f"{dollars(due)} is still due." if due else "It is paid in full now.")
        )
    payment = db.session.get(Payment, payment_id)
    assert payment is not None
    audit.record(
        actor,
        "payment.recorded",
        f"order:{invoice.order_id}",
        invoice.organisation_id,
        invoice=invoice.number,
        payment=payment.id,
        amount=str(received.amount),
        method=received.method.value,
        provider=provider.name.value,
    )
    return payment


def _insert_if_due(provider: PaymentProvider, invoice: Invoice, received: Received, actor: User | None):
    live = exists().where(Order.id == invoice.order_id, Order.status != OrderStatus.CANCELLED)
    row = select(
        literal(invoice.id),
        literal(invoice.organisation_id),
        literal(received.amount, Numeric(12, 2)),
        literal(received.received_on, Date),
        literal(received.method.name, String),
        literal(received.reference, String),
        literal(provider.name.name, String),
        literal(received.provider_reference, String),
        literal(actor.id if actor else None),
        literal(utcnow(), DateTime),
    ).where(live, paid_towards(invoice.id) + received.amount <= invoice.total)
    columns = [
        "invoice_id",
        "organisation_id",
        "amount",
        "received_on",
        "method",
        "reference",
        "provider",
        "provider_reference",
        "recorded_by_id",
        "created_at",
    ]
    return insert(Payment).from_select(columns, row).returning(Payment.id)


@commits
def save_deposit_rule(staff: User, above: str, percent: str) -> DepositRule:
    """Staff set the deposit large orders ask for; invoices issued from now on carry it.

    One upsert of the single settings row, so two staff saving at once both succeed (the later wins).
    """
    if not staff.is_staff:
        raise Forbidden("Only our staff set the deposit.")
    rule, errors = check_rule(above, percent)
    if rule is None:
        raise Invalid("Please correct the deposit: " + " ".join(errors.values()), errors)
    before = invoices.deposit_rule()
    values = {"above": rule.above, "percent": rule.percent, "updated_at": utcnow(), "updated_by_id": staff.id}
    db.session.execute(
        dialect_insert()(DepositSetting)
        .values(id=1, **values)
        .on_conflict_do_update(index_elements=["id"], set_=values)
    )
    audit.record(
        staff,
        "settings.deposit",
        "settings:deposit",
        None,
        above=[f"{before.above:.2f}", f"{rule.above:.2f}"],
        percent=[f"{before.percent:.2f}", f"{rule.percent:.2f}"],
    )
    return rule


@dataclass(frozen=True)
class PaymentRow:
    received_on: date
    amount: Decimal
    method: str
    reference: str


@dataclass(frozen=True)
class CreditRow:
    """A cancelled order's credit note, as both order pages show it."""

    reference: str
    issued_on: date
    amount: Decimal
    charge: Decimal
    refund: Decimal
    reason: str


@dataclass(frozen=True)
class MoneyPage:
    """The money of an order as its page shows it, to the buyer and to staff."""

    invoice: str
    total: Decimal
    paid: Decimal
    due: Decimal
    due_on: date
    overdue: bool
    next_step: str
    terms: str
    """The deposit terms in a sentence, or empty when the invoice asks for no deposit."""
    payments: tuple[PaymentRow, ...]
    can_record: bool
    credit: CreditRow | None = None
    """The credit note, once the order was cancelled."""


def money_page(order: Order, today: date) -> MoneyPage | None:
    """Paid, due and what is needed next; None for an order without an invoice."""
    invoice = invoices.invoice_of(order)
    if invoice is None:
        return None
    now = standing(invoice)
    rows = db.session.scalars(
        select(Payment).where(Payment.invoice_id == invoice.id).order_by(Payment.received_on, Payment.id)
    )
    note = invoices.credit_note_of(invoice)
    credit = (
        CreditRow(note.reference, note.issued_on, note.amount, note.charge, note.refund, note.reason)
        if note is not None
        else None
    )
    due = max(now.due - note.amount, ZERO) if note is not None else now.due
    return MoneyPage(
        invoice=invoice.reference,
        total=now.total,
        paid=now.paid,
        due=due,
        due_on=invoice.due_on,
        overdue=bool(now.due) and invoice.due_on < today and order.status != OrderStatus.CANCELLED,
        next_step=_cancelled_step(credit, due) if credit else now.next_step(order.status),
        terms=deposit_terms(now.deposit, now.deposit_percent),
        payments=tuple(PaymentRow(p.received_on, p.amount, p.method.label, p.reference) for p in rows),
        can_record=bool(now.due) and order.status != OrderStatus.CANCELLED,
        credit=credit,
    )


def _cancelled_step(credit: CreditRow, due: Decimal) -> str:
    sentence = f"Cancelled: credit note {credit.reference} credits {dollars(credit.amount)}."
    if credit.refund:
        return f"{sentence} {dollars(credit.refund)} is to be refunded."
    if due:
        return f"{sentence} {dollars(due)} of the charge for work done is still to pay."
    return sentence


@dataclass(frozen=True)
class Overdue:
    order_id: int
    order_reference: str
    organisation: str
    invoice: str
    due_on: date
    total: Decimal
    due: Decimal


def overdue(today: date) -> list[Overdue]:
    """Invoices past their due date with money still to pay (cancelled orders aside), oldest first."""
    paid = paid_towards(Invoice.id)
    found = db.session.execute(
        select(Invoice, paid.label("paid"))
        .join(Order, Order.id == Invoice.order_id)
        .where(Invoice.due_on < today, Order.status != OrderStatus.CANCELLED, paid < Invoice.total)
        .options(joinedload(Invoice.order).joinedload(Order.organisation))
        .order_by(Invoice.due_on, Invoice.number)
    ).all()
    return [
        Overdue(
            order_id=invoice.order_id,
            order_reference=invoice.order.reference,
            organisation=invoice.order.organisation.name,
            invoice=invoice.reference,
            due_on=invoice.due_on,
            total=invoice.total,
            due=invoice.total - Decimal(paid_so_far),
        )
        for invoice, paid_so_far in found
    ]
