"""The proof PDF: what the buyer approves, rendered by WeasyPrint from plain data.

The template gets strings and numbers only (never domain or database objects), through its
own autoescaping Jinja environment, so user text can never become markup. WeasyPrint reads
resources only through :mod:`proofs.fetcher`: no file system, no network.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import qrcode
import qrcode.constants
from PIL import Image
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from configurator.catalog import Catalog, load_catalog
from configurator.vocabulary import CardStyle, Delivery, LogoPlacement, MonogramStyle, PageSize
from proofs import artwork, bidi
from proofs.card_fit import layout_for
from proofs.documents import TEMPLATE_DIR, environment
from proofs.fetcher import make_url_fetcher
from proofs.logo import PrintLogo, prepare_logo, print_size
from proofs.logo.sniff import PNG_SIGNATURE
from proofs.mockup import compose, encode_png
from proofs.request import ProofRequest, RenderedProof

PAGE_SIZES = {PageSize.LETTER: "letter", PageSize.A4: "A4"}
"""The CSS ``@page`` size of each paper."""
MOCKUP_SIZE = (1600, 1200)
MONOGRAM_LETTER_IN = 0.5
"""Height of the monogram's capital letters as stitched or pressed onto each item."""
MM_PER_IN = 25.4
_HEX = re.compile(r"#[0-9A-F]{6}")
TERMS = (
    "Handmade goods vary slightly in colour, texture and size from the pictures and from one "
    "another; that is part of their character. Colours on screen and in print are a guide. "
    "Approving this proof confirms the contents, colours, spelling of the message, the logo and "
    "its placement, and the quantity; production starts once it is approved, and changes after "
    "approval may move the delivery date."
)


@dataclass(frozen=True)
class ProofPages:
    """A request with the pictures drawn for it: what the template and the fetcher read."""

    request: ProofRequest
    mockup: bytes
    """The mockup as JPEG (embedded as is, so WeasyPrint does not re-encode a PNG) or as PNG."""
    logo: PrintLogo | None = None
    """The request's logo scaled for print by :func:`render_proof_files`."""


@functools.cache
def _stylesheet_text() -> str:
    return (TEMPLATE_DIR / "proof.css").read_text(encoding="utf-8")


@functools.cache
def _ornament(name: str) -> bytes:
    return (TEMPLATE_DIR / name).read_bytes()


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


@functools.lru_cache(maxsize=64)
def qr_svg(text: str) -> bytes:
    """A QR code of ``text`` as SVG: vector, so it prints sharp at any size.

    Each horizontal run of dark modules is one stroke of the module's height (butt caps end
    it exactly on the module edges): about a fifth of the path data of one square per module,
    which WeasyPrint parses and draws on every render.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    rows = code.get_matrix()  # with the quiet-zone border
    side = len(rows)
    strokes = []
    for y, row in enumerate(rows):
        x = 0
        while x < side:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < side and row[x]:
                x += 1
            strokes.append(f"M{start} {y}.5h{x - start}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side}mm" height="{side}mm" '
        f'viewBox="0 0 {side} {side}"><path fill="none" stroke="#000" stroke-width="1" '
        f'stroke-linecap="butt" d="{"".join(strokes)}"/></svg>'
    ).encode()


def _colour(catalog: Catalog, colour_id: str) -> dict[str, str]:
    # The hex lands in a style attribute: only a well-formed #RRGGBB may get there.
    hex_colour = catalog.colour_hex(colour_id).upper()
    if not _HEX.fullmatch(hex_colour):
        hex_colour = "#CCCCCC"
    return {"name": catalog.colour_name(colour_id), "hex": hex_colour}


def long_date(value: date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _inches(value: float) -> str:
    return f"{value:.2f} in ({value * MM_PER_IN:.1f} mm)"


def _logo_context(doc: ProofPages) -> dict[str, Any] | None:
    """Print size, placement and resolution of the logo, all as display-ready values."""
    if doc.logo is None:
        return None
    source = doc.logo.source_px
    spec = doc.request.spec
    placement = LogoPlacement(spec.logo_placement)
    printed = print_size(source, spec.logo_width_in, placement)  # the card page shows it there too
    width, height = printed.width_in, printed.height_in
    return {
        "width_in": round(width, 4),
        "height_in": round(height, 4),
        "size": f"{width:.2f} × {height:.2f} in ({width * MM_PER_IN:.1f} × {height * MM_PER_IN:.1f} mm)",
        "placement": placement.printed,
        "placement_id": placement.value,
        "dpi": printed.dpi,
        "finding": printed.finding,
        "source_px": f"{source[0]:,} × {source[1]:,} px",
    }


def findings(doc: ProofPages, logo: dict[str, Any] | None) -> list[str]:
    """The preflight findings shown in the warning box: the caller's plus our own resolution check."""
    result = [" ".join(str(f).split()) for f in doc.request.preflight if str(f).strip()]
    if logo and logo["finding"] and logo["finding"] not in result:
        result.append(logo["finding"])
    return result


def context(doc: ProofPages) -> dict[str, Any]:
    """Everything the template shows, as plain strings, numbers and lists."""
    request, catalog = doc.request, load_catalog()
    spec, quote = request.spec, request.quote
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
    layout = layout_for(spec.card_size)
    logo = _logo_context(doc)
    needed_by = spec.needed_by
    estimate = request.delivery_estimate
    monogram = " ".join(spec.monogram.split())
    monogram_style = MonogramStyle(spec.monogram_style)
    card_style = CardStyle(spec.card_style)
    return {
        "organisation": request.organisation,
        "design_name": request.design_name,
        "reference": request.reference,
        "version": request.version,
        "created": long_date(request.created),
        "review_url": request.review_url,
        "box_name": box.name if box else spec.box_size,
        "box_inches": " × ".join(f"{v:g}" for v in box.inches) + " in" if box else "",
        "items": items,
        "units_per_box": sum(i["quantity"] for i in items),
        "swatches": [
            {"label": "Box", **_colour(catalog, spec.box_colour)},
            {"label": "Ribbon", **_colour(catalog, spec.ribbon_colour)},
            {"label": "Tissue paper", **_colour(catalog, spec.tissue_colour)},
        ],
        "box_hex": _colour(catalog, spec.box_colour)["hex"],
        "accent_hex": "#{:02X}{:02X}{:02X}".format(
            *artwork.readable_ink(catalog.colour_hex(spec.ribbon_colour), catalog.colour_hex(spec.box_colour))
        ),
        "message": [paragraph._asdict() for paragraph in bidi.paragraphs(spec.message)],
        "sign_off": spec.sign_off,
        "sign_off_direction": bidi.direction(spec.sign_off),
        "card": {
            "width_in": layout.width_in,
            "height_in": layout.height_in,
            "pad_x_in": layout.pad_x_in,
            "pad_y_in": layout.pad_y_in,
            "font_pt": layout.font_pt,
            "line_height": layout.line_height,
            "style": card_style.value,
            "style_name": card_style.label,
            "size": f"{layout.width_in:g} × {layout.height_in:g} in "
            f"({layout.width_in * MM_PER_IN:.0f} × {layout.height_in * MM_PER_IN:.0f} mm)",
        },
        "card_inches": (layout.width_in, layout.height_in),
        "logo": logo,
        "monogram": (
            {
                "text": monogram,
                "style": monogram_style.value,
                "style_name": monogram_style.label,
                "letter": _inches(MONOGRAM_LETTER_IN),
            }
            if monogram
            else None
        ),
        "findings": findings(doc, logo),
        "quantity": spec.quantity,
        "delivery": {
            "needed_by": long_date(needed_by) if needed_by else "",
            "estimate": long_date(estimate) if estimate else "",
            "late": bool(needed_by and estimate and estimate > needed_by),
            "method": Delivery(spec.delivery).label,
        },
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
            "tax": money(quote.tax),
            "tax_label": quote.tax_label,
            "total": money(quote.total),
            "per_box": money(quote.per_box),
        },
        "terms": TERMS,
        "mockup_asset": _mockup_name(doc.mockup),
    }


def render_html(doc: ProofPages) -> str:
    """The proof as HTML (useful for debugging the layout in a browser)."""
    return environment().get_template("proof.html").render(**context(doc))


def _mockup_name(mockup: bytes) -> str:
    return "mockup.png" if mockup.startswith(PNG_SIGNATURE) else "mockup.jpg"


def assets(doc: ProofPages) -> dict[str, bytes]:
    """Every resource the proof may load, by ``asset:`` name; nothing else can be fetched."""
    served = {
        _mockup_name(doc.mockup): doc.mockup,
        "qr.svg": qr_svg(doc.request.review_url),
        "botanical.svg": _ornament("botanical.svg"),
    }
    if doc.logo is not None:
        served["logo.png"] = doc.logo.png
    return served


def render_proof_pdf(doc: ProofPages) -> bytes:
    """Render the proof to PDF bytes."""
    page_size = doc.request.page_size
    page = PAGE_SIZES[PageSize(page_size)]  # ValueError for a paper we do not know
    fetcher = make_url_fetcher(assets(doc))
    stylesheets = [
        _base_stylesheet(),
        CSS(string=f"@page {{ size: {page}; }}", url_fetcher=fetcher),
    ]
    html = HTML(string=render_html(doc), url_fetcher=fetcher, base_url=None)
    # No attachments, no forms; images are embedded as given (already at print resolution).
    pdf: bytes = html.write_pdf(stylesheets=stylesheets, uncompressed_pdf=False, font_config=_font_config())
    return pdf


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept warm from one proof to the next.

    WeasyPrint otherwise builds a new one per document: it reloads the fontconfig
    configuration and starts an empty Pango font map, so every face is opened, measured and
    shaped from cold again (about a fifth of a proof's time). Our stylesheets have no
    ``@font-face`` (user text never reaches CSS), so nothing a document does can change it.
    Per thread because a Pango font map is not thread-safe; a Celery prefork child renders
    on its main thread and inherits the one warmed before the fork (no threads run then).
    """
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


@functools.cache
def _base_stylesheet() -> CSS:
    """Parsed once per process: the stylesheet has no url() to fetch, so it is safe to share."""
    return CSS(string=_stylesheet_text(), url_fetcher=make_url_fetcher({}))


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, subsampling=0, optimize=False)
    return out.getvalue()


def render_proof_files(request: ProofRequest) -> RenderedProof:
    """Render the mockup and the proof PDF that embeds it.

    The logo is scaled once to its print size at 300 DPI before anything is laid out; the
    mockup PNG is encoded on a second thread while WeasyPrint lays out the pages (zlib
    releases the GIL), and the PDF embeds a JPEG of the same picture as is.
    """
    spec = request.spec
    logo = prepare_logo(request.logo_png, spec.logo_width_in) if request.logo_png is not None else None
    canvas = compose(spec, load_catalog(), MOCKUP_SIZE, logo.image() if logo else None)
    encoded: dict[str, bytes] = {}
    failure: list[BaseException] = []

    def encode() -> None:
        try:
            encoded["png"] = encode_png(canvas)
        except BaseException as exc:  # re-raised on the calling thread below
            failure.append(exc)

    worker = threading.Thread(target=encode, name="mockup-png", daemon=True)
    worker.start()
    try:
        pdf = render_proof_pdf(ProofPages(request=request, mockup=_jpeg(canvas), logo=logo))
    finally:
        worker.join()
    if failure:
        raise failure[0]
    return RenderedProof(pdf=pdf, png=encoded["png"])
