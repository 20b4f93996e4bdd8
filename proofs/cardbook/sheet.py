"""Contact sheets: every card of the book as a small thumbnail, to scan at a glance.

Drawn with Pillow from the same fonts and the print's own line breaks (the fast path's), so
a thumbnail shows where each card's text falls and whether it runs long; the card book PDF is
the print. A sheet holds
:data:`PER_SHEET` cards (ten rows of ten), so a book of 5,000 cards is 50 small PNGs rather
than one picture too large to open.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from configurator.vocabulary import CardStyle
from proofs import fonts
from proofs.card import Line, _draw_line, wrap
from proofs.card_fit import layout_for
from proofs.cardbook import fast
from proofs.cardbook.request import BookCard, CardBookRequest
from proofs.logo.colours import PAPER
from proofs.mockup import encode_png

PER_SHEET = 100
COLUMNS = 10
PX_PER_IN = 32
"""Thumbnail scale: a 5 x 7 in card is 160 x 224 px."""
CSS_PX_PER_IN = 96
GUTTER, LABEL_H = 14, 18
BACKGROUND = (236, 232, 225)
INK = (52, 48, 44, 255)
EDGE = (205, 196, 182)
BOTANICAL_PAPER = (251, 248, 239)
LEAF = (92, 124, 84)


def _hex(value: str) -> tuple[int, int, int]:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _decorate(draw: ImageDraw.ImageDraw, request: CardBookRequest, w: int, h: int, px: float) -> None:
    """The card's head as the print has it: centred rule, side band and rule, or sprigs."""
    layout = layout_for(request.card_size)
    accent = _hex(request.accent_hex)
    top = round(layout.pad_y_in * px)
    rule_h = max(1, round(2 / 72 * px))
    style = CardStyle(request.card_style)
    if style is CardStyle.MODERN:
        draw.rectangle((0, 0, round(0.16 * px) - 1, h - 1), fill=accent)
        left = round(layout.pad_x_in * px)
        draw.rectangle((left, top, left + round(0.5 * px), top + rule_h - 1), fill=accent)
    elif style is CardStyle.BOTANICAL:
        for y in (round(0.3 * px), h - round(0.24 * px)):
            draw.line((w / 2 - 0.6 * px, y, w / 2 + 0.6 * px, y), fill=LEAF, width=max(1, round(px / 24)))
    else:
        half = round(0.4 * px)
        draw.rectangle((w // 2 - half, top, w // 2 + half, top + rule_h - 1), fill=accent)


def thumbnail(request: CardBookRequest, card: BookCard, px: float = PX_PER_IN) -> Image.Image:
    """One card as a small RGB picture: paper, decoration, and its lines where the print breaks them.

    The lines are the fast path's own (:func:`proofs.cardbook.fast.card_lines`: WeasyPrint's
    line breaks), drawn with Pillow at the thumbnail's size, each at its paragraph's start
    (the sign-off at its end), so a thumbnail shows the print's lines, not a re-wrap of them.
    """
    layout = layout_for(request.card_size)
    w, h = round(layout.width_in * px), round(layout.height_in * px)
    paper = BOTANICAL_PAPER if request.card_style == CardStyle.BOTANICAL else PAPER
    image = Image.new("RGBA", (w, h), (*paper, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, w - 1, h - 1), outline=EDGE)
    _decorate(draw, request, w, h, px)
    frame = fast.frame_for(request)
    scale = px / CSS_PX_PER_IN
    card_x, card_y = frame.card_box[0], frame.card_box[1]
    left = (frame.message["ltr"].left - card_x) * scale
    right = (frame.message["ltr"].right - card_x) * scale
    size = max(3, round(layout.font_pt / 72 * px))
    lines, _index = fast.card_lines(frame, request, card)
    for line in lines:
        chain = fonts.ITALIC_CHAIN if line.sign_off else fonts.SERIF_CHAIN
        text = Line(line.text.rstrip(), "rtl" if line.direction == "rtl" else "ltr")
        baseline = (line.baseline - card_y) * scale
        _draw_line(draw, text, chain, size, left, right, baseline, align_end=line.sign_off)
    return image.convert("RGB")


def _label(draw: ImageDraw.ImageDraw, text: str, left: float, right: float, baseline: float) -> None:
    """The box number first, at the left, whatever the name's script (the label is cut to one line)."""
    first = wrap(text, fonts.SANS_BOLD_CHAIN, 11, right - left)[:1]
    if first:
        _draw_line(draw, Line(first[0].text, "ltr"), fonts.SANS_BOLD_CHAIN, 11, left, right, baseline)


def render_contact_sheet(request: CardBookRequest, start: int, stop: int) -> bytes:
    """Cards ``start:stop`` (at most :data:`PER_SHEET`) as one PNG, each with its box number and name."""
    cards = request.cards[start:stop]
    if len(cards) > PER_SHEET:
        raise ValueError(f"a contact sheet holds at most {PER_SHEET} cards")
    layout = layout_for(request.card_size)
    w, h = round(layout.width_in * PX_PER_IN), round(layout.height_in * PX_PER_IN)
    columns = max(1, min(COLUMNS, len(cards)))
    rows = max(1, -(-len(cards) // columns))
    sheet = Image.new(
        "RGB", (GUTTER + columns * (w + GUTTER), GUTTER + rows * (h + LABEL_H + GUTTER)), BACKGROUND
    )
    draw = ImageDraw.Draw(sheet)
    for n, card in enumerate(cards):
        x = GUTTER + (n % columns) * (w + GUTTER)
        y = GUTTER + (n // columns) * (h + LABEL_H + GUTTER)
        sheet.paste(thumbnail(request, card), (x, y))
        name = " ".join(card.name.split()) or " ".join(card.label.split())
        _label(draw, f"{card.index} · {name}" if name else str(card.index), x, x + w, y + h + 13)
    return encode_png(sheet)


def contact_sheet_ranges(request: CardBookRequest) -> list[tuple[int, int]]:
    n = len(request.cards)
    return [(start, min(start + PER_SHEET, n)) for start in range(0, n, PER_SHEET)]
