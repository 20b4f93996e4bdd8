"""The card book as HTML, laid out by WeasyPrint: the reference the fast path is measured against.

Every page is ``templates/proofs/cardbook.html``: the proof's own card macro (``card.html``)
under the proof's stylesheet, so a card in the book is the card on the proof. The fast path
(:mod:`proofs.cardbook.fast`) lays out only the frame of a page this way, once, and sets each
card's text itself with the same WeasyPrint text functions; the tests compare the two.
"""

from __future__ import annotations

import functools
from typing import Any

from weasyprint import CSS, HTML

from configurator.vocabulary import LogoPlacement
from proofs import bidi, fonts
from proofs.card_fit import layout_for
from proofs.cardbook.request import BookCard, CardBookRequest
from proofs.documents import TEMPLATE_DIR, environment
from proofs.fetcher import make_url_fetcher
from proofs.pdf import _font_config

CROP_MARGIN_IN = 0.5
"""The crop-mark margin around the card, as the proof's card page has it."""
INDEX_PT = 7
INDEX_INSET_IN = 0.6
"""The index line's font size and its inset from the page's sides (templates/proofs/cardbook.css)."""
_INDEX_CHAIN = (("NotoSans-Regular.ttf", 0), *fonts.SERIF_CHAIN)
_MEASURE_PX = 28


def page_size_in(request: CardBookRequest) -> tuple[float, float]:
    layout = layout_for(request.card_size)
    return layout.width_in + 2 * CROP_MARGIN_IN, layout.height_in + 2 * CROP_MARGIN_IN


@functools.lru_cache(maxsize=4096)
def _char_width_pt(char: str) -> float:
    return sum(font.getlength(part) for font, part in fonts.runs(char, _INDEX_CHAIN, _MEASURE_PX)) * (
        INDEX_PT / _MEASURE_PX
    )


def _index_width_pt(text: str) -> float:
    """About the index line's width in points: its characters' advances in the fonts Pango picks.

    Character by character (no kerning, no joining) is close enough here: the line is cut with
    room to spare, and the box it sits in is clipped, well inside the page.
    """
    return sum(_char_width_pt(char) for char in text)


def index_line(card: BookCard, width_pt: float = 4 * 72) -> str:
    """The one line above the card that says whom the page is for, cut with "…" to ``width_pt``.

    Cut here, for the reference and the fast path alike, so a long name never runs off the
    page (the line is centred and does not wrap). It names no total ("of 300"): a recipient
    added at the end then changes only the last chunk, not every page of the book.
    """
    head = f"Card {card.index}"
    parts = [" ".join(part.split()) for part in (card.name, card.label)]
    parts = [part for n, part in enumerate(parts) if part and part not in parts[:n]]
    line = " · ".join([head, *parts])
    budget = width_pt * 0.92  # room for the measuring font and Pango to disagree a little
    while parts and _index_width_pt(line) > budget:
        last = parts[-1].removesuffix("…")
        keep = len(last) - max(1, len(last) // 8)  # shorter by an eighth each time
        if keep <= 0:
            parts.pop()
        else:
            parts[-1] = last[:keep].rstrip() + "…"
        line = " · ".join([head, *parts])
    return line


def index_width_pt(request: CardBookRequest) -> float:
    return (page_size_in(request)[0] - 2 * INDEX_INSET_IN) * 72


def page_context(request: CardBookRequest, card: BookCard | None) -> dict[str, Any]:
    """One page: its index line, the card's paragraphs with their directions, the sign-off."""
    if card is None:  # the frame: everything but text
        return {"index_line": "", "message": [], "sign_off": "", "sign_off_direction": "ltr"}
    return {
        "index_line": index_line(card, index_width_pt(request)),
        "message": [paragraph._asdict() for paragraph in bidi.paragraphs(card.text)],
        "sign_off": request.sign_off,
        "sign_off_direction": bidi.direction(request.sign_off),
    }


def context(request: CardBookRequest, cards: list[BookCard | None]) -> dict[str, Any]:
    layout = layout_for(request.card_size)
    logo = request.logo
    return {
        "title": request.title,
        "card": {
            "width_in": layout.width_in,
            "height_in": layout.height_in,
            "pad_x_in": layout.pad_x_in,
            "pad_y_in": layout.pad_y_in,
            "font_pt": layout.font_pt,
            "line_height": layout.line_height,
            "style": request.card_style,
        },
        "accent_hex": request.accent_hex,
        "logo": (
            {
                "placement_id": LogoPlacement.CARD.value,
                "width_in": round(logo.width_in, 4),
                "height_in": round(logo.height_in, 4),
            }
            if logo
            else None
        ),
        "pages": [page_context(request, card) for card in cards],
    }


def render_html(request: CardBookRequest, cards: list[BookCard | None]) -> str:
    return environment().get_template("cardbook.html").render(**context(request, cards))


def stylesheet_text(request: CardBookRequest) -> str:
    """proof.css, then the card book's own rules and its page size."""
    width, height = page_size_in(request)
    return (
        (TEMPLATE_DIR / "proof.css").read_text(encoding="utf-8")
        + (TEMPLATE_DIR / "cardbook.css").read_text(encoding="utf-8")
        + f"@page {{ size: {width:g}in {height:g}in; }}"
    )


@functools.cache
def _ornament() -> bytes:
    return (TEMPLATE_DIR / "botanical.svg").read_bytes()


def assets(request: CardBookRequest) -> dict[str, bytes]:
    served = {"botanical.svg": _ornament()}
    if request.logo is not None:
        served["logo.png"] = request.logo.png
    return served


@functools.lru_cache(maxsize=8)
def _stylesheet(text: str) -> CSS:
    return CSS(string=text, url_fetcher=make_url_fetcher({}))


def document(request: CardBookRequest, cards: list[BookCard | None]) -> Any:
    """The laid-out WeasyPrint document of these pages (``None`` draws a frame without text)."""
    fetcher = make_url_fetcher(assets(request))
    html = HTML(string=render_html(request, cards), url_fetcher=fetcher, base_url=None)
    return html.render(stylesheets=[_stylesheet(stylesheet_text(request))], font_config=_font_config())


def render_reference_pdf(request: CardBookRequest, start: int = 0, stop: int | None = None) -> bytes:
    """The pages of cards ``start:stop`` laid out whole by WeasyPrint: slow, and the reference."""
    cards: list[BookCard | None] = list(request.cards[start:stop])
    pdf: bytes = document(request, cards).write_pdf()
    return pdf
