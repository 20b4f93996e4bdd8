"""Invoices and credit notes: each numbered from a counter of its own that never repeats or skips.

An invoice is issued when an order is confirmed; a credit note when an invoiced order is
cancelled (:func:`credit`), in the cancellation's transaction.

The number is taken in the order's own transaction (:func:`take_number`), so an order that
rolls back gives its number back and the next order gets it: the sequence has no gaps, and the
counter row's lock means two orders confirmed at once never share one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select, update

from app.extensions import db
from app.models import CreditNote, DepositSetting, Invoice, NumberSequence, Order, User
from app.services import audit
from app.services.transaction import dialect_insert
from configurator.billing import due_date
from configurator.cancellation import CancellationTerms
from configurator.payments import DEFAULT_DEPOSIT, DepositRule, deposit_for

INVOICES = "invoice"
CREDIT_NOTES = "credit_note"


def take_number(name: str) -> int:
    """The next number of sequence ``name``, in the caller's transaction (its row stays locked until commit)."""
    db.session.execute(
        dialect_insert()(NumberSequence)
        .values(name=name, next=1)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    taken = db.session.execute(
        update(NumberSequence)
        .where(NumberSequence.name == name)
        .values(next=NumberSequence.next + 1)
        .returning(NumberSequence.next - 1)
    ).scalar_one()
    return int(taken)


def issue_for(order: Order, actor: User | None) -> Invoice:
    """The confirmed order's invoice, in the caller's transaction (the caller commits)."""
    issued = datetime.now(UTC).date()
    terms = order.organisation.payment_terms
    total = Decimal(order.quote["total"])
    percent = deposit_rule().percent_for(total)
    invoice = Invoice(
        number=take_number(INVOICES),
        order=order,
        organisation_id=order.organisation_id,
        total=total,
        payment_terms=terms,
        issued_on=issued,
        due_on=due_date(issued, terms),
        deposit_percent=percent,
        deposit=deposit_for(total, percent),
    )
    db.session.add(invoice)
    db.session.flush()
    audit.record(actor, "invoice.issued", f"order:{order.id}", order.organisation_id, invoice=invoice.number)
    return invoice


def deposit_rule() -> DepositRule:
    """The deposit staff ask for now (their setting, or the default); an invoice keeps its own."""
    row = db.session.get(DepositSetting, 1)
    return DepositRule(row.above, row.percent) if row is not None else DEFAULT_DEPOSIT


def invoice_of(order: Order) -> Invoice | None:
    return db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))


def locked_invoice_of(order: Order) -> Invoice | None:
    """The order's invoice under a row lock (PostgreSQL), so payments and a cancellation take it one at a time."""
    return db.session.scalars(
        select(Invoice)
        .where(Invoice.order_id == order.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def credit(invoice: Invoice, terms: CancellationTerms, reason: str, actor: User) -> CreditNote:
    """The cancelled order's credit note, numbered in the caller's transaction (the caller commits)."""
    note = CreditNote(
        number=take_number(CREDIT_NOTES),
        invoice=invoice,
        organisation_id=invoice.organisation_id,
        amount=terms.credit,
        charge=terms.charge,
        refund=terms.refund,
        reason=reason,
        issued_on=datetime.now(UTC).date(),
        issued_by_id=actor.id,
    )
    db.session.add(note)
    db.session.flush()
    audit.record(
        actor,
        "credit_note.issued",
        f"order:{invoice.order_id}",
        invoice.organisation_id,
        credit_note=note.number,
        invoice=invoice.number,
        amount=str(note.amount),
        refund=str(note.refund),
    )
    return note


def credit_note_of(invoice: Invoice) -> CreditNote | None:
    return db.session.scalar(select(CreditNote).where(CreditNote.invoice_id == invoice.id))
