"""The quote a buyer files with procurement, and the invoice: every line, fees, discount, shipping, tax, total.

An invoice is the order's quote with its own number and due date (``title`` "Invoice", ``due``
set, no validity date), so the two documents always agree line for line. A credit note is the
same layout with ``credits`` naming the invoice it cancels, its lines what is credited.

Pure, like the packing slip: plain strings in (money already formatted by the caller, from the
quote :mod:`configurator.pricing` rounded), PDF bytes out, through the restricted fetcher (it
loads nothing) and the autoescaping environment, so a design or organisation name never
becomes markup.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from proofs.documents import environment, write_pdf


@dataclass(frozen=True)
class QuoteRow:
    label: str
    quantity: str
    unit_price: str
    amount: str


@dataclass(frozen=True)
class QuoteDocument:
    reference: str
    issued: str
    valid_until: str
    organisation: str
    design_name: str
    boxes: int
    rows: tuple[QuoteRow, ...]
    subtotal: str
    total: str
    per_box: str
    discount_label: str = ""
    discount: str = ""
    shipping: str = ""
    shipping_note: str = ""
    tax_label: str = ""
    tax: str = ""
    delivery_estimate: str = ""
    payment_terms: str = ""
    po_number: str = ""
    cost_centre: str = ""
    bill_to: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    """The conditions the quote is given under, a paragraph each."""
    title: str = "Quote"
    due: str = ""
    """An invoice's due date; a quote has none."""
    credits: str = ""
    """The invoice a credit note cancels; a quote or an invoice has none."""


def from_dict(data: dict[str, object]) -> QuoteDocument:
    """The document from its stored inputs (JSON: lists where the dataclass has tuples)."""
    rows = tuple(QuoteRow(**row) for row in data["rows"])  # type: ignore[attr-defined]
    rest = {k: v for k, v in data.items() if k != "rows"}
    rest["bill_to"] = tuple(rest.get("bill_to", ()))  # type: ignore[arg-type]
    rest["terms"] = tuple(rest.get("terms", ()))  # type: ignore[arg-type]
    return QuoteDocument(rows=rows, **rest)  # type: ignore[arg-type]


def render_html(doc: QuoteDocument) -> str:
    return environment().get_template("quote.html").render(**asdict(doc))


def render_quote(doc: QuoteDocument) -> bytes:
    return write_pdf(render_html(doc), "quote.css")
