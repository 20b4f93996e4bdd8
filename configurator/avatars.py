"""The pictures makers choose to find their name on the workshop tablet: a colour and a symbol.

Two makers whose pseudonyms start with the same letter looked alike ("S" and "S"); a picture a
maker chose is recognised before a name is read. No two makers ever have the same picture
(a unique constraint in the schema; :func:`first_free` for a new maker).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Colour:
    id: str
    hex: str


@dataclass(frozen=True)
class Symbol:
    id: str
    glyph: str


COLOURS = (
    Colour("teal", "#0e6b66"),
    Colour("coral", "#c4532f"),
    Colour("gold", "#9a6b00"),
    Colour("plum", "#7a3b84"),
    Colour("sky", "#1f5fa8"),
    Colour("leaf", "#3d7a1f"),
    Colour("rose", "#b2365f"),
    Colour("slate", "#454f5b"),
)
"""Background colours, each dark enough for a white symbol (contrast 4.5:1 or more)."""

SYMBOLS = (
    Symbol("star", "★"),
    Symbol("sun", "☀"),
    Symbol("moon", "☾"),
    Symbol("heart", "♥"),
    Symbol("flower", "✿"),
    Symbol("leaf", "☘"),
    Symbol("note", "♪"),
    Symbol("snow", "❄"),
    Symbol("anchor", "⚓"),
    Symbol("plane", "✈"),
    Symbol("umbrella", "☂"),
    Symbol("diamond", "♦"),
)
COLOUR_IDS = frozenset(c.id for c in COLOURS)
SYMBOL_IDS = frozenset(s.id for s in SYMBOLS)
_GLYPHS = {s.id: s.glyph for s in SYMBOLS}
_HEX = {c.id: c.hex for c in COLOURS}


@dataclass(frozen=True)
class Avatar:
    colour: str
    symbol: str

    def __post_init__(self) -> None:
        if self.colour not in COLOUR_IDS or self.symbol not in SYMBOL_IDS:
            raise ValueError(f"no such avatar: {self.colour} {self.symbol}")

    @property
    def glyph(self) -> str:
        return _GLYPHS[self.symbol]

    @property
    def hex(self) -> str:
        return _HEX[self.colour]


def every_avatar() -> Iterator[Avatar]:
    """Every picture, spread so that consecutive ones differ in colour and in symbol."""
    for shift in range(len(SYMBOLS)):
        for n, colour in enumerate(COLOURS):
            yield Avatar(colour.id, SYMBOLS[(n + shift) % len(SYMBOLS)].id)


def first_free(taken: Iterable[Avatar]) -> Avatar | None:
    """The first picture nobody has (None when every one is taken)."""
    used = set(taken)
    return next((a for a in every_avatar() if a not in used), None)
