"""The card book's fast path: the page frame laid out once, each card's text set with WeasyPrint's own text code.

Laying out a whole HTML page per card (cascade, boxes, layout, drawing) is what makes the
naive book slow; almost none of it changes from card to card. So, once per frame (card size,
style, colours, logo) and process:

- WeasyPrint lays out a page of the book without any text (crop marks, paper, rule, band,
  sprig or logo) and paints it into a form XObject that every page draws;
- it lays out a probe page with text, from which we read where the message, the sign-off and
  the index line sit and the computed styles of their text.

Each card's text is then broken into lines by ``weasyprint.text.line_break.split_first_line``
(the function WeasyPrint's inline layout calls, so Pango, the same fonts and the same line
breaking) and drawn by ``weasyprint.draw.text.draw_first_line`` into the page stream. Line
boxes are stacked as WeasyPrint stacks them (the paragraph's strut and each line's half-leading);
right-to-left paragraphs align right. Fonts are subset and embedded with ToUnicode maps by
WeasyPrint's ``build_fonts_dictionary``, so text stays extractable and every font embedded.

This leans on WeasyPrint internals (pinned in requirements.txt); ``tests/proofs/test_cardbook.py``
compares every word's position with WeasyPrint laying out the same pages whole, so an
upgrade that moves anything fails there first.

A book renders in chunks (:func:`render_chunk`, a complete PDF of some cards) that any number
of processes can make, and :func:`assemble` joins them in order (qpdf, through pikepdf).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pikepdf
import pydyf
from weasyprint.draw import text as weasyprint_text
from weasyprint.draw.text import draw_emojis, draw_first_line
from weasyprint.formatting_structure import boxes
from weasyprint.matrix import Matrix
from weasyprint.pdf import _use_references
from weasyprint.pdf.fonts import build_fonts_dictionary
from weasyprint.pdf.stream import Stream
from weasyprint.text.line_break import split_first_line, strut

from proofs import bidi
from proofs.cardbook import html
from proofs.cardbook.request import BookCard, CardBookRequest

PX_TO_PT = 0.75
"""72 PDF points per inch / 96 CSS pixels per inch, as WeasyPrint scales a page."""
_OPTIONS = {"hinting": False, "pdf_version": None}
_PROBE_LTR, _PROBE_RTL = "Probe", "בדיקה"


@dataclass(frozen=True)
class Block:
    """Where a block's text goes (CSS px, page origin top left) and the style of its text."""

    left: float
    top: float
    width: float
    style: Any
    """WeasyPrint's computed style of the block's text."""

    @property
    def right(self) -> float:
        return self.left + self.width


@dataclass(frozen=True)
class Frame:
    """What every page of one book shares: the painted frame and the text blocks' places and styles."""

    width: float
    height: float
    page: Any
    """The laid-out WeasyPrint page without text, painted into each chunk's form XObject."""
    card_box: tuple[float, float, float, float]
    """The card's padding box (x, y, w, h): its text is clipped there, as ``overflow: hidden`` does."""
    message: dict[str, Block]
    """The message paragraph's block, by direction."""
    sign_off: dict[str, Block]
    sign_off_gap: float
    """The sign-off's top margin below the message."""
    index: Block
    index_clip: tuple[float, float, float, float]


def _walk(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _classes(box: Any) -> list[str]:
    """The classes of a block box (its line and text boxes share its element: they do not count)."""
    element = getattr(box, "element", None)
    if element is None or not isinstance(getattr(box, "_box", box), boxes.BlockBox):
        return []
    return str(element.get("class") or "").split()


def _text_style(block: Any) -> Any:
    """The computed style of the (first) text box inside ``block``."""
    return next(b.style for b in _walk(block) if isinstance(b, boxes.TextBox))


def _block(block: Any) -> Block:
    return Block(block.content_box_x(), block.content_box_y(), block.width, _text_style(block))


def _padding_box(box: Any) -> tuple[float, float, float, float]:
    return box.padding_box_x(), box.padding_box_y(), box.padding_width(), box.padding_height()


def _probe(request: CardBookRequest, sign_off: str) -> Any:
    card = BookCard(1, _PROBE_LTR, "", f"{_PROBE_LTR}\n{_PROBE_RTL}")
    probe = dataclasses.replace(request, cards=(card,), sign_off=sign_off)
    return html.document(probe, [card]).pages[0]._page_box


def _frame_key(request: CardBookRequest) -> tuple[object, ...]:
    logo = request.logo
    return (
        request.card_size,
        request.card_style,
        request.accent_hex,
        hashlib.sha256(logo.png).hexdigest() if logo else None,
        (logo.width_in, logo.height_in) if logo else None,
    )


def _frame(request: CardBookRequest) -> Frame:
    """Lay out the frame and the probes of one kind of page."""
    bare = dataclasses.replace(request, cards=(), sign_off="")
    page = html.document(bare, [None]).pages[0]
    message: dict[str, Block] = {}
    sign_off: dict[str, Block] = {}
    gap = 0.0
    card_box = (0.0, 0.0, 0.0, 0.0)
    index = index_clip = None
    for direction, probe_sign_off in (("ltr", _PROBE_LTR), ("rtl", _PROBE_RTL)):
        root = _probe(request, probe_sign_off)
        for box in _walk(root):
            classes = _classes(box)
            if "card" in classes and not card_box[2]:
                card_box = _padding_box(box)
            elif "message" in classes:
                for paragraph in box.children:
                    dir_ = paragraph.element.get("dir")
                    message[dir_] = _block(paragraph)
            elif "sign-off" in classes and direction not in sign_off:
                sign_off[direction] = _block(box)
                gap = box.margin_top
            elif "index" in classes and index is None:
                index, index_clip = _block(box), _padding_box(box)
    if index is None or index_clip is None or not set(message) == set(sign_off) == {"ltr", "rtl"}:
        raise RuntimeError("the card book template lost a block the fast path sets text in")
    return Frame(
        width=page.width,
        height=page.height,
        page=page,
        card_box=card_box,
        message=message,
        sign_off=sign_off,
        sign_off_gap=gap,
        index=index,
        index_clip=index_clip,
    )


_local = threading.local()


def frame_for(request: CardBookRequest) -> Frame:
    """The frame of this request's pages, laid out once per thread and kind of page.

    Per thread, like the proof's font configuration (``proofs.pdf._font_config``): the styles
    in a frame hold that thread's Pango font map, which is not thread-safe.
    """
    frames: dict[tuple[object, ...], Frame] = _local.__dict__.setdefault("frames", {})
    key = _frame_key(request)
    frame = frames.get(key)
    if frame is None:
        if len(frames) >= 8:
            frames.pop(next(iter(frames)))
        frame = frames[key] = _frame(request)
    return frame


_CONTEXT = SimpleNamespace(dictionaries={})
"""What ``split_first_line`` asks of a layout context: only its hyphenation dictionaries."""


@dataclass
class PlacedLine:
    """One line of a card as WeasyPrint breaks it, where it goes on the page (CSS px)."""

    layout: Any
    style: Any
    x: float
    baseline: float
    direction: str
    sign_off: bool = False

    @property
    def text(self) -> str:
        return str(self.layout.text)


def _lines(
    text: str, block: Block, top: float, align: str, limit: float = float("inf"), **kind: Any
) -> tuple[list[PlacedLine], float]:
    """Break one paragraph into line boxes as WeasyPrint's inline layout does; return them and the bottom.

    Lines that would start below ``limit`` (the card's bottom edge) are not made: the card
    clips them, and an overlong text should not cost a page of invisible lines.
    """
    style = block.style
    line_height, strut_baseline = strut(style)
    lines: list[PlacedLine] = []
    y = top
    if not text:
        return lines, y + line_height  # an empty paragraph (its <br>) is one line tall
    while y < limit:
        layout, _length, resume, width, height, baseline = split_first_line(
            text, style, _CONTEXT, block.width, 0, is_line_start=True
        )
        half_leading = (line_height - height) / 2
        above = max(strut_baseline, baseline + half_leading)
        below = max(line_height - strut_baseline, height + half_leading - baseline)
        if align == "right":
            x = block.right - width
        elif align == "center":
            x = block.left + (block.width - width) / 2
        else:
            x = block.left
        lines.append(PlacedLine(layout, style, x, y + above, **kind))
        y += above + below
        if resume is None:
            return lines, y
        text = text.encode()[resume:].decode()
    return lines, y


def card_lines(
    frame: Frame, request: CardBookRequest, card: BookCard
) -> tuple[list[PlacedLine], list[PlacedLine]]:
    """The card's lines (message, then sign-off) and the index line, placed on the page."""
    lines: list[PlacedLine] = []
    y = frame.message["ltr"].top
    bottom = frame.card_box[1] + frame.card_box[3]
    for paragraph in bidi.paragraphs(card.text):
        block = frame.message[paragraph.direction]
        align = "right" if paragraph.direction == "rtl" else "left"
        placed, y = _lines(paragraph.text, block, y, align, bottom, direction=paragraph.direction)
        lines.extend(placed)
        if y >= bottom:
            break
    sign_off = " ".join(request.sign_off.split())
    if sign_off and y < bottom:
        direction = bidi.direction(sign_off)
        block = frame.sign_off[direction]
        align = "left" if direction == "rtl" else "right"
        placed, _ = _lines(
            sign_off, block, y + frame.sign_off_gap, align, bottom, direction=direction, sign_off=True
        )
        lines.extend(placed)
    text = html.index_line(card, html.index_width_pt(request))
    index, _ = _lines(text, frame.index, frame.index.top, "center", direction="ltr")
    return lines, index


def _draw(stream: Stream, line: PlacedLine) -> None:
    layout, style = line.layout, line.style
    if not layout.text.strip():
        return
    stream.set_color(style["color"])
    layout.reactivate(style)
    textbox = SimpleNamespace(pango_layout=layout, style=style, text=layout.text)
    stream.begin_text()
    emojis = draw_first_line(stream, textbox, "clip", "none", Matrix(d=-1, e=line.x, f=line.baseline))
    stream.end_text()
    draw_emojis(stream, style, line.x, line.baseline, emojis)
    layout.deactivate()


def _clipped(stream: Stream, rect: tuple[float, float, float, float], lines: list[PlacedLine]) -> None:
    if not lines:
        return
    with stream.stacked():
        stream.rectangle(*rect)
        stream.clip()
        stream.end()
        for line in lines:
            _draw(stream, line)


def _resources() -> pydyf.Dictionary:
    return pydyf.Dictionary(
        {
            "ExtGState": pydyf.Dictionary(),
            "XObject": pydyf.Dictionary(),
            "Pattern": pydyf.Dictionary(),
            "Shading": pydyf.Dictionary(),
            "ColorSpace": pydyf.Dictionary(),
        }
    )


class _Book:
    """One PDF being written: shared resources, fonts and the frame's form XObject."""

    def __init__(self, frame: Frame, title: str) -> None:
        self.frame = frame
        self.pdf = pydyf.PDF()
        self.pdf.info["Producer"] = pydyf.String("Gifts of Hope card book")
        self.pdf.info["Title"] = pydyf.String(title)
        self.images: dict[str, Any] = {}
        self.fonts: dict[Any, Any] = {}
        self.resources = _resources()
        self.pdf.add_object(self.resources)  # filled in by write(); pydyf serialises at the end
        self.rect = (0, 0, frame.width, frame.height)
        # The frame's form has resources of its own (WeasyPrint adds the images and groups it
        # draws there); ``_use_references`` numbers both when the book is written.
        form_resources = _resources()
        form_resources["Font"] = None
        form = self._stream(
            form_resources,
            extra=pydyf.Dictionary(
                {
                    "Type": "/XObject",
                    "Subtype": "/Form",
                    "BBox": pydyf.Array(self.rect),
                    "Resources": form_resources,
                }
            ),
        )
        frame.page.paint(form, 1)
        self.resources["XObject"]["Frame"] = form

    def _stream(self, resources: pydyf.Dictionary, extra: pydyf.Dictionary | None = None) -> Stream:
        return Stream(
            self.fonts, self.rect, resources, self.images, None, {}, None, extra=extra, compress=True
        )

    def add_page(self, lines: list[PlacedLine], index: list[PlacedLine]) -> None:
        frame = self.frame
        stream = self._stream(self.resources)
        stream.transform(d=-1, f=frame.height * PX_TO_PT)
        stream.transform(a=PX_TO_PT, d=PX_TO_PT)
        stream.draw_x_object("Frame")
        _clipped(stream, frame.card_box, lines)
        _clipped(stream, frame.index_clip, index)
        self.pdf.add_object(stream)
        width, height = frame.width * PX_TO_PT, frame.height * PX_TO_PT
        x, y, w, h = (v * PX_TO_PT for v in frame.card_box)
        self.pdf.add_page(
            pydyf.Dictionary(
                {
                    "Type": "/Page",
                    "Parent": self.pdf.pages.reference,
                    "MediaBox": pydyf.Array([0, 0, width, height]),
                    # The card itself, where the crop marks point: what a print shop trims to.
                    "TrimBox": pydyf.Array([x, height - y - h, x + w, height - y]),
                    "Contents": stream.reference,
                    "Resources": self.resources.reference,
                }
            )
        )

    def write(self) -> bytes:
        fonts = build_fonts_dictionary(self.pdf, self.fonts, True, True, _OPTIONS)
        self.pdf.add_object(fonts)
        self.resources["Font"] = fonts.reference
        _use_references(self.pdf, self.resources, self.images, {})
        out = io.BytesIO()
        self.pdf.write(out, None, None, True)
        return out.getvalue()


@contextlib.contextmanager
def _emoji_once() -> Iterator[None]:
    """Decode each colour emoji glyph once per chunk, not once per time it is printed.

    ``draw_first_line`` builds a new ``RasterImage`` (a PNG decode and re-encode) for every
    emoji it draws, though an image of one glyph of one font is always the same (its id says
    so: font and glyph). While a chunk is drawn the module's ``RasterImage`` answers from a
    memo keyed by that id; the original is put back afterwards.
    """
    original = weasyprint_text.RasterImage
    made: dict[str, Any] = {}
    # A Celery prefork child renders on one thread; a second thread drawing a proof meanwhile
    # would share the memo, which holds the very images it would have made itself.

    def raster_image(pillow_image: Any, image_id: str, image_data: bytes) -> Any:
        image = made.get(image_id)
        if image is None:
            image = made[image_id] = original(pillow_image, image_id, image_data)
        return image

    weasyprint_text.RasterImage = raster_image
    try:
        yield
    finally:
        weasyprint_text.RasterImage = original


def render_chunk(request: CardBookRequest, start: int, stop: int) -> bytes:
    """A complete PDF of cards ``start:stop`` (one page each): pure, so any worker can make any chunk."""
    if not 0 <= start <= stop <= len(request.cards):
        raise ValueError(f"chunk {start}:{stop} is outside the book's {len(request.cards)} cards")
    frame = frame_for(request)
    book = _Book(frame, request.title)
    with _emoji_once():
        for card in request.cards[start:stop]:
            book.add_page(*card_lines(frame, request, card))
    return book.write()


def assemble(chunks: Iterable[bytes], title: str = "") -> bytes:
    """Join chunk PDFs, in the order given, into one book.

    qpdf copies each chunk's pages with what they use; fonts stay subset per chunk (a chunk
    embeds only the glyphs its cards print), so the book is a little larger than one drawn in
    one go, and joining 1,000 pages takes a fraction of a second.
    """
    book = pikepdf.new()
    opened = []
    try:
        for chunk in chunks:
            source = pikepdf.open(io.BytesIO(chunk))
            opened.append(source)
            book.pages.extend(source.pages)
        book.docinfo["/Producer"] = "Gifts of Hope card book"
        if title:
            book.docinfo["/Title"] = title
        out = io.BytesIO()
        book.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finally:
        for source in opened:
            source.close()
    return out.getvalue()


def render_card_book_pdf(request: CardBookRequest) -> bytes:
    """The whole book in this process, chunk by chunk, so memory stays flat as books grow.

    Every chunk is drawn before any is joined: a chunk's drawing leaves memory behind that
    qpdf's copy of the pages then reuses, instead of both growing side by side (about 2 KB of
    compressed chunk per card is all that is held meanwhile).
    """
    ranges = request.chunks()
    if len(ranges) == 1:
        return render_chunk(request, *ranges[0])
    chunks = [render_chunk(request, start, stop) for start, stop in ranges]
    return assemble(chunks, title=request.title)
