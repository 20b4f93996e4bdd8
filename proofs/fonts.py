"""System Noto fonts for Pillow, with per-character fallback across scripts.

Pillow draws with one font at a time, so a message mixing Latin, Greek, Arabic, Hebrew and CJK
is split into runs, each drawn with the first font that has glyphs for it. Characters no
installed font covers are dropped rather than drawn as tofu boxes.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from pathlib import Path

from PIL import ImageFont

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))

# (file name, face index in a collection). Order is fallback order.
SERIF_CHAIN: tuple[tuple[str, int], ...] = (
    ("NotoSerif-Regular.ttf", 0),
    ("NotoNaskhArabic-Regular.ttf", 0),
    ("NotoSerifHebrew-Regular.ttf", 0),
    ("NotoSerifCJK-Regular.ttc", 2),
    ("NotoSansCJK-Regular.ttc", 2),
    ("NotoSans-Regular.ttf", 0),
    ("DejaVuSans.ttf", 0),
)
ITALIC_CHAIN: tuple[tuple[str, int], ...] = (("NotoSerif-Italic.ttf", 0), *SERIF_CHAIN)
SANS_BOLD_CHAIN: tuple[tuple[str, int], ...] = (("NotoSans-Bold.ttf", 0), *SERIF_CHAIN)

_PROBE = "\U000f0000"  # private use plane: no font maps it, so it shows the .notdef glyph
_ZERO_WIDTH = {"Mn", "Me", "Cf"}


@functools.cache
def font_path(filename: str) -> Path | None:
    """Find a font file by name under the system font folders (searched once per name)."""
    for base in FONT_DIRS:
        if base.is_dir():
            for found in sorted(base.rglob(filename)):
                return found
    return None


@functools.lru_cache(maxsize=128)
def load(filename: str, index: int, size: int) -> ImageFont.FreeTypeFont | None:
    """Load one face at one pixel size; ``None`` when the file is not installed."""
    path = font_path(filename)
    if path is None:
        return None
    try:
        return ImageFont.truetype(str(path), max(1, size), index=index)
    except OSError:
        return None


@functools.lru_cache(maxsize=8192)
def covers(filename: str, index: int, char: str) -> bool:
    """Whether the face has a real glyph for ``char`` (compared against its .notdef box)."""
    probe = load(filename, index, 24)
    if probe is None:
        return False
    if char.isspace():
        return True
    notdef = probe.getmask(_PROBE)
    glyph = probe.getmask(char)
    return not (glyph.size == notdef.size and bytes(glyph) == bytes(notdef))


def runs(
    text: str, chain: tuple[tuple[str, int], ...], size: int
) -> list[tuple[ImageFont.FreeTypeFont, str]]:
    """Split ``text`` into (font, text) runs; spaces and marks stay with the run before them."""
    result: list[tuple[ImageFont.FreeTypeFont, str]] = []
    current: tuple[str, int] | None = None
    buffer: list[str] = []
    for char in text:
        if current is not None and (char.isspace() or unicodedata.category(char) in _ZERO_WIDTH):
            buffer.append(char)
            continue
        face = next((f for f in chain if covers(f[0], f[1], char)), None)
        if face is None:
            continue  # no installed font has it: drop it rather than draw tofu
        if face != current and buffer and current is not None:
            font = load(*current, size)
            if font is not None:
                result.append((font, "".join(buffer)))
            buffer = []
        current = face
        buffer.append(char)
    if buffer and current is not None:
        font = load(*current, size)
        if font is not None:
            result.append((font, "".join(buffer)))
    return result


@functools.cache
def font_set_id() -> str:
    """A digest of the installed font files (names and sizes): part of every render key.

    Proofs embed whatever fonts the machine has; when a font package is upgraded, the same
    spec can print differently, so stored files made with the old fonts must not be reused.
    """
    digest = hashlib.sha256()
    for base in FONT_DIRS:
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix.lower() in {".ttf", ".otf", ".ttc"}:
                digest.update(f"{path.name}:{path.stat().st_size}\n".encode())
    return digest.hexdigest()[:16]
