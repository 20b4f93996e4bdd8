"""The quote, invoice and credit note documents' inputs: the figures a buyer files with procurement, as plain strings.

One builder for every point the buyer asks from: a draft is priced as it stands (the same
estimate the wizard shows), a submitted design by its latest proof's frozen quote, an ordered
one by the order's. The worker lays the document out (``DocumentKind.QUOTE``).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import CreditNote, Design, Invoice, Order
from app.services import billing, delivery, invoices
from app.services.estimates import estimate
from configurator.addresses import label_lines
from configurator.payments import deposit_for, deposit_terms
from configurator.pricing import Quote, dollars
from configurator.spec import BoxSpec
from configurator.states import DesignStatus

QUOTE_VALID_DAYS = 30
"""How long a quote's prices hold: capacity and material prices move, so a quote does not stand forever."""


def long_day(day: date | None) -> str:
    return f"{day:%d %B %Y}" if day else ""


def _figures(design: Design) -> tuple[str, Quote, date | None, Order | None]:
    """(reference, quote, delivery estimate, order) as the design stands."""
    order = db.session.scalar(select(Order).where(Order.design_id == design.id))
    if order is not None:
        return (
            f"Q-{design.id:06d}-v{order.proof.version}",
            Quote.from_dict(order.quote),
            order.proof.delivery_estimate,
            order,
        )
    proof = design.latest_proof
    if design.status != DesignStatus.DRAFT and proof is not None and proof.quote:
        return (
            f"Q-{design.id:06d}-v{proof.version}",
            Quote.from_dict(proof.quote),
            proof.delivery_estimate,
            None,
        )
    spec = BoxSpec.from_dict(design.spec)
    priced, plan = estimate(spec, delivery.destinations_of(design, spec), billing.tax_rate_of(design))
    return f"Q-{design.id:06d}-r{design.revision}", priced, plan.expected, None


def quote_inputs(design: Design, today: date | None = None) -> dict[str, object]:
    """Everything the quote prints, for the worker; personal data only as the buyer's own bill-to."""
    from proofs.quote_document import QuoteDocument, QuoteRow  # loads WeasyPrint: kept out of web start-up

    today = today or datetime.now(UTC).date()
    reference, q, expected, order = _figures(design)
    terms = billing.billing_of(design.organisation)
    bill_to = label_lines(terms.address) if not terms.address.is_blank() else ()
    po_number = (order.po_number if order else design.po_number) or ""
    cost_centre = (order.cost_centre if order else design.cost_centre) or ""
    valid_until = today + timedelta(days=QUOTE_VALID_DAYS)
    document = QuoteDocument(
        reference=reference,
        issued=long_day(today),
        valid_until=long_day(valid_until),
        organisation=design.organisation.name,
        design_name=design.name,
        boxes=q.boxes,
        rows=tuple(
            QuoteRow(line.label, f"{line.quantity:,}", dollars(line.unit_price), dollars(line.amount))
            for line in q.lines
        ),
        subtotal=dollars(q.subtotal),
        total=dollars(q.total),
        per_box=dollars(q.per_box),
        discount_label=q.discount_label,
        discount=dollars(-q.discount) if q.discount else "",
        shipping=dollars(q.shipping) if q.shipping else "",
        shipping_note=(
            "Shipping marked “estimated” is priced at the domestic rate until every address is known."
            if q.shipping_estimated
            else ""
        ),
        tax_label=q.tax_label,
        tax=dollars(q.tax) if q.tax_label else "",
        delivery_estimate=long_day(expected),
        payment_terms=terms.payment_terms.label,
        po_number=po_number,
        cost_centre=cost_centre,
        bill_to=tuple([terms.contact_name, *bill_to] if bill_to and terms.contact_name else bill_to),
        terms=(
            f"Prices are in US dollars and hold until {long_day(valid_until)}. Production starts once "
            "you and our staff approve the proof; the delivery estimate is confirmed then.",
            " ".join(
                filter(
                    None,
                    [
                        f"Payment terms: {terms.payment_terms.label.lower()}, counted from the invoice date.",
                        _deposit_asked(q.total),
                    ],
                )
            ),
            "Tax is worked out from where the boxes go; an organisation exempt from tax pays none once "
            "its certificate number is on file.",
            "Handmade goods vary slightly in colour, texture and size; that is part of their character.",
        ),
    )
    return asdict(document)


def _deposit_asked(total: Decimal) -> str:
    """The deposit an order of this total would ask for under staff's rule now (the invoice keeps its own)."""
    percent = invoices.deposit_rule().percent_for(total)
    return deposit_terms(deposit_for(total, percent), percent)


def invoice_inputs(invoice: Invoice) -> dict[str, object]:
    """The invoice: the order's quote as issued, under the invoice's number and due date."""
    data = quote_inputs(invoice.order.design, invoice.issued_on)
    due = long_day(invoice.due_on)
    return {
        **data,
        "title": "Invoice",
        "reference": invoice.reference,
        "valid_until": "",
        "due": due,
        "terms": (
            f"Order {invoice.order.reference}. Payment terms: {invoice.payment_terms.label.lower()}; "
            f"please pay by {due}, quoting {invoice.reference}.",
            *filter(None, [deposit_terms(invoice.deposit, invoice.deposit_percent)]),
            *data["terms"][2:],  # type: ignore[index]
        ),
    }


def credit_note_inputs(note: CreditNote) -> dict[str, object]:
    """The credit note: the invoice it cancels, what is still charged, the credit, the refund and why."""
    invoice = note.invoice
    order = invoice.order
    data = invoice_inputs(invoice)
    rows = [
        {
            "label": f"Invoice {invoice.reference}, order {order.reference}: cancelled",
            "quantity": "1",
            "unit_price": dollars(invoice.total),
            "amount": dollars(invoice.total),
        }
    ]
    if note.charge:
        rows.append(
            {
                "label": "Makers' work done before the cancellation, still charged",
                "quantity": "",
                "unit_price": "",
                "amount": dollars(-note.charge),
            }
        )
    refund = (
        f"{dollars(note.refund)} of what was paid is refunded, quoting {note.reference}."
        if note.refund
        else "Nothing paid is to be refunded."
    )
    return {
        **data,
        "title": "Credit note",
        "reference": note.reference,
        "issued": long_day(note.issued_on),
        "due": "",
        "credits": invoice.reference,
        "payment_terms": "",
        "rows": rows,
        "subtotal": dollars(note.amount),
        "total": dollars(note.amount),
        "per_box": "",
        "discount": "",
        "discount_label": "",
        "shipping": "",
        "shipping_note": "",
        "tax_label": "",
        "tax": "",
        "terms": (
            f"This credit note cancels invoice {invoice.reference} of order {order.reference} "
            + ("less the makers' work already done. " if note.charge else "in full. ")
            + refund,
            f"Reason for the cancellation: {note.reason}",
        ),
    }
