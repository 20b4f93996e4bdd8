"""The little message card on the mockup: the first lines of the message and the sign-off.

Drawn with Pillow (not resvg) because Pillow can measure text, which wrapping needs, and shapes
Arabic and Hebrew through raqm. Any script is accepted; characters no font covers are dropped.
"""

from __future__ import annotations

from typing import NamedTuple

from PIL import Image, ImageDraw, ImageFont

from configurator.vocabulary import CardStyle
from proofs import bidi, fonts
from proofs.logo import colours as logo_colours

CARD_W, CARD_H = 430.0, 300.0
MAX_LINES = 5
INK = (52, 48, 44, 255)
PAPER = (*logo_colours.PAPER, 255)
EDGE = (226, 218, 204, 255)

Run = tuple[ImageFont.FreeTypeFont, str]


class Line(NamedTuple):
    """One wrapped line and the direction of the paragraph it belongs to."""

    text: str
    direction: bidi.Direction


def _width(parts: list[Run]) -> float:
    return sum(font.getlength(text) for font, text in parts)


def _break_long(word: str, chain: tuple[tuple[str, int], ...], size: int, max_w: float) -> list[str]:
    """Split a word wider than the card (CJK has no spaces) at character boundaries."""
    pieces, current = [], ""
    for char in word:
        if current and _width(fonts.runs(current + char, chain, size)) > max_w:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def wrap(text: str, chain: tuple[tuple[str, int], ...], size: int, max_w: float) -> list[Line]:
    """Wrap ``text`` to ``max_w`` pixels, keeping the writer's own line breaks.

    Every line carries its paragraph's direction (:func:`proofs.bidi.paragraphs`), so a
    wrapped line that happens to start with a word of the other script still aligns with
    the rest of its paragraph, as it does on the printed card.
    """
    lines: list[Line] = []
    for paragraph, direction in bidi.paragraphs(text):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if _width(fonts.runs(candidate, chain, size)) <= max_w:
                current = candidate
                continue
            if current:
                lines.append(Line(current, direction))
            pieces = _break_long(word, chain, size, max_w) or [word]
            lines.extend(Line(piece, direction) for piece in pieces[:-1])
            current = pieces[-1]
        lines.append(Line(current, direction))
    while lines and not lines[-1].text:
        lines.pop()
    return lines


def _draw_line(
    draw: ImageDraw.ImageDraw,
    line: Line,
    chain: tuple[tuple[str, int], ...],
    size: int,
    left: float,
    right: float,
    baseline: float,
    align_end: bool = False,
) -> None:
    """Draw one line at its paragraph's start (or end) with its runs in bidi visual order."""
    pieces: list[tuple[ImageFont.FreeTypeFont, str, bidi.Direction]] = []
    for chunk, direction in bidi.visual_runs(line.text, line.direction):
        parts = fonts.runs(chunk, chain, size)
        if direction == "rtl":
            parts = parts[::-1]
        pieces.extend((font, text, direction) for font, text in parts)
    width = sum(font.getlength(text, direction=d) for font, text, d in pieces)
    at_right = (line.direction == "rtl") != align_end
    x = right - width if at_right else left
    for font, text, direction in pieces:
        draw.text((x, baseline), text, font=font, fill=INK, anchor="ls", direction=direction)
        x += font.getlength(text, direction=direction)


def render_card(
    message: str,
    sign_off: str,
    accent: tuple[int, int, int],
    scale: float,
    logo: Image.Image | None = None,
    style: str = CardStyle.CLASSIC,
) -> Image.Image:
    """Return the card as an RGBA image at ``scale`` pixels per design unit.

    ``style`` changes the decoration only (classic rule, modern side band, botanical sprig);
    the text box is the same for every style, as on the printed card. ``ValueError`` for a
    style outside the vocabulary.
    """
    decoration = CardStyle(style)
    w, h = max(8, round(CARD_W * scale)), max(6, round(CARD_H * scale))
    pad = 2
    card = Image.new("RGBA", (w + 2 * pad, h + 2 * pad), (0, 0, 0, 0))
    draw = ImageDraw.Draw(card)
    radius = max(1, round(6 * scale))
    draw.rounded_rectangle((pad, pad, pad + w - 1, pad + h - 1), radius, fill=PAPER, outline=EDGE, width=1)
    accent_w, accent_h = 70 * scale, max(1, round(4 * scale))
    top = pad + round(30 * scale)
    if logo is not None:
        inner = logo.copy()
        inner.thumbnail((max(1, round(150 * scale)), max(1, round(34 * scale))), Image.Resampling.LANCZOS)
        card.alpha_composite(
            inner, dest=(pad + (w - inner.width) // 2, max(0, top + accent_h - inner.height))
        )
    elif decoration is CardStyle.MODERN:
        draw.rectangle(
            (pad, pad + radius, pad + max(2, round(14 * scale)), pad + h - 1 - radius), fill=(*accent, 255)
        )
    elif decoration is CardStyle.BOTANICAL:
        _sprig(draw, pad + w / 2, top + accent_h / 2, scale, accent)
    else:
        draw.rectangle(
            (pad + (w - accent_w) / 2, top, pad + (w + accent_w) / 2, top + accent_h), fill=(*accent, 255)
        )

    margin = 38 * scale
    left, right = pad + margin, pad + w - margin
    size = max(6, round(24 * scale))
    line_h = size * 1.45
    lines = wrap(message, fonts.SERIF_CHAIN, size, right - left)
    if len(lines) > MAX_LINES:
        last = lines[MAX_LINES - 1]
        lines = [*lines[: MAX_LINES - 1], Line(last.text.rstrip() + " …", last.direction)]
    baseline = top + accent_h + 28 * scale + size
    for line in lines:
        _draw_line(draw, line, fonts.SERIF_CHAIN, size, left, right, baseline)
        baseline += line_h

    if sign_off.strip():
        small = max(6, round(21 * scale))
        name = " ".join(sign_off.split())
        # A leading dash only reads right in left-to-right text; RTL names go without it.
        text = name if bidi.direction(name) == "rtl" else "— " + name
        signed = wrap(text, fonts.ITALIC_CHAIN, small, right - left)[:1]
        for line in signed:
            _draw_line(
                draw, line, fonts.ITALIC_CHAIN, small, left, right, pad + h - 30 * scale, align_end=True
            )
    return card


def _sprig(
    draw: ImageDraw.ImageDraw, cx: float, cy: float, scale: float, accent: tuple[int, int, int]
) -> None:
    """A small horizontal stem with paired leaves, the botanical card's header ornament."""
    leaf = (92, 124, 84, 255)
    stem = 46 * scale
    draw.line((cx - stem, cy, cx + stem, cy), fill=leaf, width=max(1, round(1.6 * scale)))
    for i in range(-3, 4):
        x = cx + i * 13 * scale
        lw, lh = 9 * scale, 4.5 * scale
        draw.ellipse((x - lw / 2, cy - lh * 2.1, x + lw / 2, cy - lh * 0.1), fill=leaf)
        draw.ellipse(
            (x - lw / 2 + 4 * scale, cy + lh * 0.1, x + lw / 2 + 4 * scale, cy + lh * 2.1), fill=leaf
        )
    r = 3.2 * scale
    draw.ellipse((cx + stem - r, cy - r, cx + stem + r, cy + r), fill=(*accent, 255))
