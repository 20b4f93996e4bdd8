"""Resolution at print size, and the logo scaled to exactly what the printer needs."""

from __future__ import annotations

import math

from PIL import Image

from proofs.logo.errors import PRINT_DPI
from proofs.logo.raster import encode_png, open_png


def effective_dpi(width_px: int, print_width_in: float) -> float:
    """Pixels per inch when ``width_px`` pixels are printed ``print_width_in`` inches wide."""
    return width_px / _print_width(print_width_in)


def low_resolution(width_px: int, print_width_in: float) -> bool:
    """Whether the print would be below 300 DPI: soft edges the buyer should know about first."""
    return effective_dpi(width_px, print_width_in) < PRINT_DPI


def print_scaled(png: bytes, print_width_in: float, dpi: int = PRINT_DPI) -> bytes:
    """The logo at ``round(print_width_in * dpi)`` pixels wide, or unchanged if it is smaller.

    Never upscales: enlarging adds no detail, only file size. Re-encoded with our fixed
    settings either way, so the result is deterministic and carries no metadata.
    """
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi!r}")
    target = max(1, round(_print_width(print_width_in) * dpi))
    img = open_png(png)
    if img.width > target:
        height = max(1, round(img.height * target / img.width))
        img = img.resize((target, height), Image.Resampling.LANCZOS)
    return encode_png(img)


def _print_width(print_width_in: float) -> float:
    width = float(print_width_in)
    if not math.isfinite(width) or width <= 0:
        raise ValueError(f"print width must be a positive number of inches, got {print_width_in!r}")
    return width
