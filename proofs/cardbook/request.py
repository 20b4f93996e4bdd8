"""What a card book render needs, as plain data, and the keys its files and chunks are stored under.

The app builds one :class:`CardBookRequest` per design version from its recipients (in
recipient order) and hands it to :func:`proofs.cardbook.render_card_book`, or splits it into
chunks for several workers. This module stays light (no WeasyPrint), so a web process can
compute keys and chunk ranges.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from configurator.catalog import Catalog
from configurator.spec import BoxSpec
from configurator.vocabulary import CardSize, CardStyle, LogoPlacement
from proofs import artwork
from proofs.fonts import font_set_id

TEMPLATE_VERSION = "1"
"""Bump when the card book's template, stylesheet or the fast path change what a page looks like."""
CHUNK_CARDS = 500
"""Cards per chunk: small enough that a worker's memory stays flat (about 225 MB peak, the
same for 1,000 cards as for 5,000), large enough that a chunk's fixed cost (subsetting and
embedding its fonts, a quarter of a second) is spread over many cards: 500 cards a chunk
render about 40% faster than 250."""
_HEX = re.compile(r"#[0-9A-F]{6}")


@dataclass(frozen=True)
class BookCard:
    """One recipient's card, in recipient order."""

    index: int
    """The box number printed on the index line (1-based, as packing shows it)."""
    label: str
    """Whom the page is for, on the index line (e.g. ``Jane Doe · Acme Ltd``); never printed on the card."""
    name: str
    """The name on the card: its first line, above the message (empty: no name line)."""
    message: str

    @property
    def text(self) -> str:
        """The card's text as printed: the name line, then the message (the fit check measures this)."""
        name = " ".join(self.name.split())
        return f"{name}\n{self.message}" if name else self.message


@dataclass(frozen=True)
class CardLogo:
    """The logo printed on the card's head (placement ``card``), already scaled for print."""

    png: bytes
    width_in: float
    height_in: float


@dataclass(frozen=True)
class CardBookRequest:
    """Everything that shapes a card book; the renderer gets only this."""

    cards: tuple[BookCard, ...]
    card_size: str = CardSize.FIVE_BY_SEVEN
    card_style: str = CardStyle.CLASSIC
    accent_hex: str = "#3A5A50"
    """The rule or band colour, as the proof's card uses it (:meth:`for_design` works it out)."""
    sign_off: str = ""
    """The design's sign-off, the same on every card."""
    title: str = "Card book"
    """The PDF's title (design name and version, say)."""
    logo: CardLogo | None = None
    chunk_cards: int = field(default=CHUNK_CARDS, compare=False)

    def __post_init__(self) -> None:
        CardSize(self.card_size)  # ValueError for a size or style outside the vocabulary
        CardStyle(self.card_style)
        if not _HEX.fullmatch(self.accent_hex):
            raise ValueError(f"accent colour {self.accent_hex!r} is not #RRGGBB")
        if self.chunk_cards < 1:
            raise ValueError("chunk_cards must be at least 1")

    @classmethod
    def for_design(
        cls,
        spec: BoxSpec,
        catalog: Catalog,
        cards: tuple[BookCard, ...],
        *,
        title: str = "Card book",
        logo: CardLogo | None = None,
    ) -> CardBookRequest:
        """The request for a design's cards: size, style, sign-off and accent as its proof prints them.

        ``logo`` is used only when the design places its logo on the card.
        """
        accent = artwork.readable_ink(
            catalog.colour_hex(spec.ribbon_colour), catalog.colour_hex(spec.box_colour)
        )
        return cls(
            cards=cards,
            card_size=spec.card_size,
            card_style=spec.card_style,
            accent_hex="#{:02X}{:02X}{:02X}".format(*accent),
            sign_off=spec.sign_off,
            title=title,
            logo=logo if spec.logo_placement == LogoPlacement.CARD else None,
        )

    def chunks(self) -> list[tuple[int, int]]:
        """The ``(start, stop)`` card ranges the book is rendered in, in order."""
        n, size = len(self.cards), self.chunk_cards
        return [(start, min(start + size, n)) for start in range(0, n, size)] or [(0, 0)]

    def _shape(self) -> dict[str, object]:
        return {
            "size": self.card_size,
            "style": self.card_style,
            "accent": self.accent_hex,
            "sign_off": self.sign_off,
            "title": self.title,
            "logo": hashlib.sha256(self.logo.png).hexdigest() if self.logo else None,
            "logo_in": [self.logo.width_in, self.logo.height_in] if self.logo else None,
            "template": TEMPLATE_VERSION,
            "fonts": font_set_id(),
        }

    def chunk_key(self, start: int, stop: int) -> str:
        """Digest of everything that shapes one chunk: a finished chunk with this key can be reused."""
        shape = {
            **self._shape(),
            "cards": [[c.index, c.label, c.name, c.message] for c in self.cards[start:stop]],
            "range": [start, stop],
        }
        return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()

    @property
    def render_key(self) -> str:
        """Digest of everything that shapes the whole book; equal keys share stored files."""
        shape = {**self._shape(), "cards": [[c.index, c.label, c.name, c.message] for c in self.cards]}
        return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class RenderedCardBook:
    """The files of one card book render."""

    pdf: bytes
    contact_sheets: tuple[bytes, ...]
    """PNGs of small thumbnails of the cards in order, 100 to a sheet, each with its box number."""
