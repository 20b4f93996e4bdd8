"""The one exception logo intake raises, and the limits it enforces.

Limits live here, next to the error, so every message quotes the number the code checks.
"""

from __future__ import annotations

import math

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
"""Decoded pixels an upload may have (checked from the header, before decoding)."""
MAX_SIDE_PX = 20_000
NORMALISED_MAX_PX = 3000
"""Longest side of the normalised PNG: 10 inches at 300 DPI, wider than any lid we print."""
PRINT_DPI = 300

ACCEPTED = "We accept PNG, JPEG or SVG logos."


class LogoError(ValueError):
    """An upload we will not use; ``str(e)`` is a plain message the buyer can act on."""


def megabytes(size: int) -> str:
    """Format a byte count as the buyer's MB (rounded up, so 10 MB + 1 byte never reads "10.0")."""
    tenths = math.ceil(size * 10 / (1024 * 1024))
    return f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def check_byte_size(data: bytes) -> None:
    """Refuse empty and oversized uploads before looking inside them."""
    if not data:
        raise LogoError(f"The file is empty. {ACCEPTED}")
    if len(data) > MAX_BYTES:
        raise LogoError(f"The logo is {megabytes(len(data))} MB; the limit is {megabytes(MAX_BYTES)} MB.")


def check_dimensions(width: int, height: int) -> None:
    """Refuse pixel sizes we would not decode: the defence against decompression bombs."""
    if width < 1 or height < 1:
        raise LogoError(f"The logo says it is {width} × {height} pixels, which is not a usable image.")
    if width > MAX_SIDE_PX or height > MAX_SIDE_PX or width * height > MAX_PIXELS:
        raise LogoError(
            f"The logo is {width:,} × {height:,} pixels; the limit is {MAX_PIXELS // 1_000_000} megapixels "
            f"and {MAX_SIDE_PX:,} pixels on a side. Please upload a smaller version."
        )
