"""Text direction for everything printed: one answer for the PDF card, the mockup and the fit check.

Each paragraph takes its direction from its own text, as HTML ``dir="auto"`` does (the first
strong directional character); WeasyPrint does not implement ``dir="auto"``, so the card gets
an explicit ``dir`` per paragraph from :func:`direction`. Within a line the mockup needs the
Unicode bidi levels to place runs of different fonts; those come from FriBidi, the same engine
Pango uses when WeasyPrint lays out the card, so the picture and the print order words alike.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import unicodedata
from typing import Literal, NamedTuple

Direction = Literal["ltr", "rtl"]

_ISOLATES = {"LRI", "RLI", "FSI"}
_FRIBIDI_PAR = {"ltr": 0x110, "rtl": 0x111}  # FRIBIDI_PAR_LTR / FRIBIDI_PAR_RTL (fribidi-types.h)


class Paragraph(NamedTuple):
    text: str
    direction: Direction


def direction(text: str) -> Direction:
    """``rtl`` when the first strong character (outside isolates) is right-to-left, else ``ltr``."""
    depth = 0
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _ISOLATES:
            depth += 1
        elif kind == "PDI":
            depth = max(0, depth - 1)
        elif depth == 0 and kind in ("R", "AL"):
            return "rtl"
        elif depth == 0 and kind == "L":
            return "ltr"
    return "ltr"


def paragraphs(text: str) -> list[Paragraph]:
    """Split at the writer's line breaks; each paragraph carries its own direction."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return [Paragraph(line, direction(line)) for line in normalised.split("\n")]


@functools.cache
def _fribidi() -> ctypes.CDLL:
    name = ctypes.util.find_library("fribidi") or "libfribidi.so.0"
    lib = ctypes.CDLL(name)
    lib.fribidi_get_par_embedding_levels_ex.restype = ctypes.c_int8
    return lib


def levels(text: str, base: Direction) -> list[int]:
    """The resolved embedding level of every character of one line (odd = right-to-left)."""
    size = len(text)
    if not size:
        return []
    lib = _fribidi()
    chars = (ctypes.c_uint32 * size)(*map(ord, text))
    types = (ctypes.c_uint32 * size)()
    brackets = (ctypes.c_uint32 * size)()
    out = (ctypes.c_int8 * size)()
    par = ctypes.c_uint32(_FRIBIDI_PAR[base])
    lib.fribidi_get_bidi_types(chars, size, types)
    lib.fribidi_get_bracket_types(chars, size, types, brackets)
    if not lib.fribidi_get_par_embedding_levels_ex(types, brackets, size, ctypes.byref(par), out):
        raise MemoryError("FriBidi could not resolve the text direction")
    return list(out)


def visual_runs(text: str, base: Direction) -> list[tuple[str, Direction]]:
    """One line as runs of a single direction, in the order they appear from left to right.

    Each run keeps its characters in logical order (the shaper lays an ``rtl`` run out right
    to left); runs are reordered by rule L2 of the Unicode bidi algorithm.
    """
    resolved = levels(text, base)
    runs: list[tuple[int, str]] = []
    for char, level in zip(text, resolved, strict=True):
        if runs and runs[-1][0] == level:
            runs[-1] = (level, runs[-1][1] + char)
        else:
            runs.append((level, char))
    if runs:
        lowest_odd = min(level for level, _ in runs) | 1
        for level in range(max(level for level, _ in runs), lowest_odd - 1, -1):
            i = 0
            while i < len(runs):
                if runs[i][0] < level:
                    i += 1
                    continue
                j = i
                while j < len(runs) and runs[j][0] >= level:
                    j += 1
                runs[i:j] = runs[i:j][::-1]
                i = j
    return [(chunk, "rtl" if level % 2 else "ltr") for level, chunk in runs]
