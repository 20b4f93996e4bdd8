"""The logo on paper: its print size, its resolution there, and the copy the printer needs.

Every answer to "how big does the logo print?" and "is it sharp enough?" comes from here: the
proof, the mockup, the wizard's preflight and the staff review all ask this module.

An upload may be 6000 pixels wide; the proof shows it at, say, 2 inches. Decoding and
resampling such a file is the expensive part, so :func:`prepare_logo` does it once per (logo,
print width) and keeps the result in the process: the mockup, the PDF and the preview all work
from the same small image, and a 6000-pixel upload then costs what a 1200-pixel one does.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass

from PIL import Image

from proofs.logo.errors import PRINT_DPI, LogoError
from proofs.logo.raster import encode_png, open_png

MAX_WIDTH_IN = 12.0
"""A sanity limit on the width to scale for: the wizard offers a few inches, so wider is a caller's bug."""
CARD_LOGO_MAX_IN = (2.4, 0.42)
"""On the card the logo sits in the header band (same height as the classic rule and its margin)."""
LOW_RESOLUTION_BELOW = PRINT_DPI - 0.5
"""Below this effective DPI a logo is low resolution: the DPI we show, rounded to a whole number,
is under ``PRINT_DPI``. Comparing with ``PRINT_DPI`` itself would call an exact 300 DPI logo low
resolution whenever the division rounds down (336 px over 1.12 in is 299.99999999999994), and
tell the buyer it "will print at 300 DPI, below the 300 DPI we recommend"."""


def effective_dpi(width_px: int, print_width_in: float) -> float:
    """Pixels per inch when ``width_px`` pixels are printed ``print_width_in`` inches wide."""
    return width_px / _print_width(print_width_in)


def low_resolution(width_px: int, print_width_in: float) -> bool:
    """Whether the print would be below 300 DPI: soft edges the buyer should know about first."""
    return effective_dpi(width_px, print_width_in) < LOW_RESOLUTION_BELOW


@dataclass(frozen=True)
class PrintSize:
    """Where a logo of ``source_px`` pixels lands on paper, and how sharp it is there."""

    width_in: float
    height_in: float
    source_px: tuple[int, int]
    vector: bool = False
    """An SVG is drawn again at whatever size print needs, so it is never low resolution."""

    @property
    def dpi(self) -> int:
        """Effective resolution as shown to people: whole dots per inch."""
        return round(effective_dpi(self.source_px[0], self.width_in))

    @property
    def low_resolution(self) -> bool:
        return not self.vector and low_resolution(self.source_px[0], self.width_in)

    @property
    def finding(self) -> str | None:
        """What buyer and staff read about a low-resolution logo (the wizard, the queue, the proof)."""
        if not self.low_resolution:
            return None
        return (
            f"The logo will print at {self.dpi} DPI at {self.width_in:g} in wide, below the {PRINT_DPI} DPI "
            "we recommend: it may look soft. Upload a larger file or an SVG, or print it smaller."
        )


def print_size(
    source_px: tuple[int, int], width_in: float, placement: str, *, vector: bool = False
) -> PrintSize:
    """The logo's printed size at the buyer's chosen width, within what its placement allows."""
    width = _print_width(width_in)
    ratio = source_px[1] / max(1, source_px[0])
    if placement == "card":  # the card's header band limits it
        width = min(width, CARD_LOGO_MAX_IN[0], CARD_LOGO_MAX_IN[1] / max(ratio, 1e-6))
    return PrintSize(width_in=width, height_in=width * ratio, source_px=source_px, vector=vector)


def print_scaled(png: bytes, print_width_in: float, dpi: int = PRINT_DPI) -> bytes:
    """The logo at ``round(print_width_in * dpi)`` pixels wide, or unchanged if it is smaller.

    Never upscales: enlarging adds no detail, only file size. Re-encoded with our fixed
    settings either way, so the result is deterministic and carries no metadata.
    """
    return encode_png(_scaled(open_png(png), print_width_in, dpi))


def _scaled(img: Image.Image, print_width_in: float, dpi: int) -> Image.Image:
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi!r}")
    target = max(1, round(_print_width(print_width_in) * dpi))
    if img.width <= target:
        return img
    height = max(1, round(img.height * target / img.width))
    return img.resize((target, height), Image.Resampling.LANCZOS)


def _print_width(print_width_in: float) -> float:
    width = float(print_width_in)
    if not math.isfinite(width) or width <= 0:
        raise ValueError(f"print width must be a positive number of inches, got {print_width_in!r}")
    return width


@dataclass(frozen=True)
class PrintLogo:
    """A logo scaled for print, as every renderer embeds or draws it."""

    png: bytes
    """Normalised RGBA PNG at ``PRINT_DPI`` for the print width (never upscaled)."""
    source_px: tuple[int, int]
    """Pixel size of the logo as given: the resolution figure is about the source, not the copy."""

    def image(self) -> Image.Image:
        with Image.open(io.BytesIO(self.png)) as img:
            return img.convert("RGBA")


def prepare_logo(png: bytes, width_in: float) -> PrintLogo:
    """Scale ``png`` for printing ``width_in`` inches wide; cached by content, so once per logo."""
    width_in = float(width_in)
    if not (0 < width_in <= MAX_WIDTH_IN) or not math.isfinite(width_in):
        raise ValueError(f"logo width must be between 0 and {MAX_WIDTH_IN:g} in, got {width_in!r}")
    key = (hashlib.sha256(png).hexdigest(), round(width_in, 3))
    hit = _CACHE.get(key)
    if hit is None:
        hit = _prepare(png, key[1])
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = hit
    return hit


_CACHE: dict[tuple[str, float], PrintLogo] = {}
_CACHE_SIZE = 16


def _prepare(png: bytes, width_in: float) -> PrintLogo:
    try:
        img = open_png(png)
    except LogoError as exc:  # the stored copy, not an upload: the buyer can only send it again
        raise LogoError("The logo is not a readable image; please upload it again.") from exc
    return PrintLogo(png=encode_png(_scaled(img, width_in, PRINT_DPI)), source_px=img.size)


def clear_cache() -> None:
    """Forget scaled logos (the benchmark's naive baseline and tests use this)."""
    _CACHE.clear()
