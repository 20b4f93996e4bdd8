"""Staff's finance export: invoices, payments and credit notes of a period, as one CSV.

A database read, not a layout, so the request builds it; the period is bounded
(``configurator.billing.EXPORT_DAYS_MAX``) so the file stays a size a request can serve. Every
cell goes through :mod:`proofs.csv_export`, so a reference or a reason typed as a formula stays
text; amounts are numbers (a credit note's negative), so the column sums to what is owed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import CreditNote, Invoice, Order, Payment, User
from app.services.errors import Forbidden, Invalid
from configurator.billing import check_export_period
from proofs.csv_export import Cell, csv_bytes

HEADER = (
    "Date",
    "Type",
    "Number",
    "Invoice",
    "Order",
    "Organisation",
    "Amount (USD)",
    "Refund to pay (USD)",
    "Paid by",
    "Reference",
    "Reason",
)
KIND_ORDER = {"Invoice": 0, "Payment": 1, "Credit note": 2}
"""Within a day: what was invoiced, then paid, then credited."""


def export_csv(staff: User, start: date | None, end: date | None, today: date) -> bytes:
    """The period's invoices (by issue date), payments (by the day received) and credit notes."""
    if not staff.is_staff:
        raise Forbidden("Only our staff export the accounts.")
    errors = check_export_period(start, end, today)
    if errors or start is None or end is None:
        raise Invalid("Please correct the dates: " + " ".join(errors.values()), errors)
    rows = [*_invoices(start, end), *_payments(start, end), *_credit_notes(start, end)]
    rows.sort(key=lambda row: (row[0], KIND_ORDER[str(row[1])], str(row[2])))
    return csv_bytes(HEADER, rows)


def _with_order(model: type) -> joinedload:
    return joinedload(model.invoice).joinedload(Invoice.order).joinedload(Order.organisation)


def _invoices(start: date, end: date) -> list[tuple[Cell, ...]]:
    found = db.session.scalars(
        select(Invoice)
        .where(Invoice.issued_on.between(start, end))
        .options(joinedload(Invoice.order).joinedload(Order.organisation))
    )
    return [
        (
            i.issued_on,
            "Invoice",
            i.reference,
            i.reference,
            i.order.reference,
            i.order.organisation.name,
            i.total,
            None,
            "",
            "",
            "",
        )
        for i in found
    ]


def _payments(start: date, end: date) -> list[tuple[Cell, ...]]:
    found = db.session.scalars(
        select(Payment).where(Payment.received_on.between(start, end)).options(_with_order(Payment))
    )
    return [
        (
            p.received_on,
            "Payment",
            f"P-{p.id:06d}",
            p.invoice.reference,
            p.invoice.order.reference,
            p.invoice.order.organisation.name,
            p.amount,
            None,
            p.method.label,
            p.reference,
            "",
        )
        for p in found
    ]


def _credit_notes(start: date, end: date) -> list[tuple[Cell, ...]]:
    found = db.session.scalars(
        select(CreditNote).where(CreditNote.issued_on.between(start, end)).options(_with_order(CreditNote))
    )
    return [
        (
            c.issued_on,
            "Credit note",
            c.reference,
            c.invoice.reference,
            c.invoice.order.reference,
            c.invoice.order.organisation.name,
            -c.amount if c.amount else Decimal("0.00"),
            c.refund,
            "",
            "",
            c.reason,
        )
        for c in found
    ]
