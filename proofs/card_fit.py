"""Does the message fit its printed card? Measured with real fonts at the card's real size.

A character count would lie: CJK glyphs are twice as wide as Latin ones, Arabic shapes
join, and the writer's own line breaks use whole lines. So we wrap the text with the same
fonts and the same text box the PDF card uses and count lines.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from configurator.vocabulary import CardSize
from proofs import fonts
from proofs.card import wrap

PT_PER_IN = 72


@dataclass(frozen=True)
class CardLayout:
    """The printed card's text box, in points; the PDF stylesheet uses the same numbers."""

    width_in: float
    height_in: float
    pad_x_in: float
    pad_y_in: float
    font_pt: float = 13
    line_height: float = 1.55
    header_pt: float = 2 + 0.4 * PT_PER_IN  # the rule above the message and its margin
    sign_off_pt: float = 18 + 12 * 1.55  # margin and one line of the sign-off

    @property
    def text_width_pt(self) -> float:
        return (self.width_in - 2 * self.pad_x_in) * PT_PER_IN

    @property
    def lines_available(self) -> int:
        height = (self.height_in - 2 * self.pad_y_in) * PT_PER_IN - self.header_pt - self.sign_off_pt
        return int(height // (self.font_pt * self.line_height))


LAYOUTS: Mapping[CardSize, CardLayout] = MappingProxyType(
    {
        CardSize.FIVE_BY_SEVEN: CardLayout(width_in=5, height_in=7, pad_x_in=0.55, pad_y_in=0.6),
        CardSize.FOUR_BY_SIX: CardLayout(width_in=4, height_in=6, pad_x_in=0.45, pad_y_in=0.5, font_pt=12),
    }
)
SCALE = 4  # measure at 4 px per point so hinting does not distort widths


@dataclass(frozen=True)
class Fit:
    fits: bool
    lines_used: int
    lines_available: int
    chars_over: int
    """Roughly how many characters to cut, from the average width of the lines used."""
    larger_card: bool
    """Whether a larger card size exists to suggest."""

    @property
    def message(self) -> str:
        if self.fits:
            spare = self.lines_available - self.lines_used
            return f"Fits the card, with room for about {spare} more line{'s' if spare != 1 else ''}."
        over = self.lines_used - self.lines_available
        return (
            f"Too long for the card by about {over} line{'s' if over != 1 else ''}: "
            f"shorten it by roughly {self.chars_over} characters"
            + (" or choose the larger card." if self.larger_card else ".")
        )


def layout_for(card_size: str) -> CardLayout:
    """The printed layout of a card size; ``ValueError`` for a size outside the vocabulary."""
    return LAYOUTS[CardSize(card_size)]


def fit_message(message: str, card_size: str = CardSize.FIVE_BY_SEVEN) -> Fit:
    """Wrap ``message`` as the printed card will and say whether, and by how much, it overflows."""
    layout = layout_for(card_size)
    size = round(layout.font_pt * SCALE)
    lines = wrap(message, fonts.SERIF_CHAIN, size, layout.text_width_pt * SCALE) if message.strip() else []
    used, available = len(lines), layout.lines_available
    over_lines = max(0, used - available)
    chars_per_line = (sum(len(line.text) for line in lines) / used) if used else 0
    return Fit(
        fits=over_lines == 0,
        lines_used=used,
        lines_available=available,
        chars_over=math.ceil(over_lines * chars_per_line),
        larger_card=any(other.lines_available > available for other in LAYOUTS.values()),
    )
