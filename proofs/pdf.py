"""The proof PDF: what the buyer approves, rendered by WeasyPrint from plain data.

The template gets strings and numbers only (never domain or database objects), through its
own autoescaping Jinja environment, so user text can never become markup. WeasyPrint reads
resources only through :mod:`proofs.fetcher`: no file system, no network.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import qrcode
import qrcode.constants
from weasyprint import CSS, HTML

from configurator.catalog import Catalog
from configurator.pricing import Quote
from configurator.spec import BoxSpec
from proofs.fetcher import make_url_fetcher
from proofs.mockup import render_mockup

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "proofs"
PAGE_SIZES = {"Letter": "letter", "A4": "A4"}
CARD_INCHES = (5, 7)
_HEX = re.compile(r"#[0-9A-F]{6}")
TERMS = (
    "Handmade goods vary slightly in colour, texture and size from the pictures and from one "
    "another; that is part of their character. Colours on screen and in print are a guide. "
    "Production starts once this proof is approved; changes after approval may move the "
    "delivery date."
)


@dataclass(frozen=True)
class ProofDocument:
    spec: BoxSpec
    catalog: Catalog
    quote: Quote
    organisation: str
    design_name: str
    reference: str
    version: int
    created: date
    review_url: str
    mockup_png: bytes
    page_size: str = "Letter"


@functools.cache
def _environment() -> jinja2.Environment:
    """Our own environment: autoescape always on, and a missing value is an error, not blank."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def money(amount: Decimal) -> str:
    """Format dollars for print, e.g. ``$1,234.50`` or ``-$3.00``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes (deterministic, no metadata)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


def _colour(catalog: Catalog, colour_id: str) -> dict[str, str]:
    # The hex lands in a style attribute: only a well-formed #RRGGBB may get there.
    hex_colour = catalog.colour_hex(colour_id).upper()
    if not _HEX.fullmatch(hex_colour):
        hex_colour = "#CCCCCC"
    return {"name": catalog.colour_name(colour_id), "hex": hex_colour}


def context(doc: ProofDocument) -> dict[str, Any]:
    """Everything the template shows, as plain strings, numbers and lists."""
    spec, catalog, quote = doc.spec, doc.catalog, doc.quote
    box = catalog.box_sizes.get(spec.box_size)
    items = []
    for line in spec.items:
        product = catalog.products.get(line.product_id)
        items.append(
            {
                "name": product.name if product else line.product_id,
                "description": product.description if product else "",
                "quantity": line.quantity,
                "colour": _colour(catalog, line.colour),
            }
        )
    return {
        "organisation": doc.organisation,
        "design_name": doc.design_name,
        "reference": doc.reference,
        "version": doc.version,
        "created": f"{doc.created:%B} {doc.created.day}, {doc.created.year}",
        "review_url": doc.review_url,
        "box_name": box.name if box else spec.box_size,
        "box_inches": " × ".join(f"{v:g}" for v in box.inches) + " in" if box else "",
        "items": items,
        "units_per_box": sum(i["quantity"] for i in items),
        "swatches": [
            {"label": "Box", **_colour(catalog, spec.box_colour)},
            {"label": "Ribbon", **_colour(catalog, spec.ribbon_colour)},
            {"label": "Tissue paper", **_colour(catalog, spec.tissue_colour)},
        ],
        "message": spec.message.replace("\r\n", "\n").replace("\r", "\n"),
        "sign_off": spec.sign_off,
        "card_inches": CARD_INCHES,
        "quote": {
            "lines": [
                {
                    "label": line.label,
                    "quantity": line.quantity,
                    "unit_price": money(line.unit_price),
                    "amount": money(line.amount),
                }
                for line in quote.lines
            ],
            "boxes": quote.boxes,
            "subtotal": money(quote.subtotal),
            "discount": money(-quote.discount) if quote.discount else "",
            "discount_label": quote.discount_label,
            "total": money(quote.total),
            "per_box": money(quote.per_box),
        },
        "terms": TERMS,
    }


def render_html(doc: ProofDocument) -> str:
    """The proof as HTML (useful for debugging the layout in a browser)."""
    return _environment().get_template("proof.html").render(**context(doc))


def render_proof_pdf(doc: ProofDocument) -> bytes:
    """Render the proof to PDF bytes."""
    if doc.page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be one of {sorted(PAGE_SIZES)}, got {doc.page_size!r}")
    css = (TEMPLATE_DIR / "proof.css").read_text(encoding="utf-8")
    fetcher = make_url_fetcher({"mockup.png": doc.mockup_png, "qr.png": qr_png(doc.review_url)})
    stylesheets = [
        CSS(string=css, url_fetcher=fetcher),
        CSS(string=f"@page {{ size: {PAGE_SIZES[doc.page_size]}; }}", url_fetcher=fetcher),
    ]
    html = HTML(string=render_html(doc), url_fetcher=fetcher, base_url=None)
    return html.write_pdf(stylesheets=stylesheets)


def render_proof_files(
    spec: BoxSpec,
    catalog: Catalog,
    quote: Quote,
    *,
    organisation: str,
    design_name: str,
    reference: str,
    version: int,
    created: date,
    review_url: str,
    page_size: str = "Letter",
    logo_png: bytes | None = None,
) -> tuple[bytes, bytes]:
    """Render the mockup and the proof PDF that embeds it; returns ``(pdf_bytes, png_bytes)``."""
    png = render_mockup(spec, catalog, size=(1600, 1200), logo_png=logo_png)
    doc = ProofDocument(
        spec=spec,
        catalog=catalog,
        quote=quote,
        organisation=organisation,
        design_name=design_name,
        reference=reference,
        version=version,
        created=created,
        review_url=review_url,
        mockup_png=png,
        page_size=page_size,
    )
    return render_proof_pdf(doc), png
