"""The logo as it will print: scaled once to its print width at 300 DPI, before any layout.

An upload may be 6000 pixels wide; the proof shows it at, say, 2 inches. Decoding and
resampling such a file is the expensive part, so it happens once per (logo, print width) and
the result is cached in the process: the mockup, the PDF and the preview all work from the
same small image, and a 6000-pixel upload then costs what a 1200-pixel one does.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass

from PIL import Image

PRINT_DPI = 300
MAX_LOGO_PIXELS = 40_000_000
MAX_WIDTH_IN = 12.0


class LogoUnreadable(ValueError):
    """The logo bytes are not an image we can draw."""


@dataclass(frozen=True)
class PrintLogo:
    png: bytes
    """Normalised RGBA PNG at ``PRINT_DPI`` for ``width_in`` (never upscaled)."""
    sha256: str
    """Digest of the logo as given (the normalised upload), part of render keys."""
    width_in: float
    height_in: float
    source_px: tuple[int, int]
    dpi: float
    """Effective resolution of the source at the print width."""

    @property
    def low_resolution(self) -> bool:
        return self.dpi < PRINT_DPI - 0.5

    def image(self) -> Image.Image:
        with Image.open(io.BytesIO(self.png)) as img:
            return img.convert("RGBA")


def _scale_locally(png: bytes, width_in: float, dpi: int) -> tuple[bytes, tuple[int, int]]:
    try:
        with Image.open(io.BytesIO(png)) as img:
            if img.width * img.height > MAX_LOGO_PIXELS:
                raise LogoUnreadable("The logo has too many pixels to print.")
            source = (img.width, img.height)
            target = math.ceil(width_in * dpi)
            if img.width > target:
                # draft-free formats: reduce() first (fast box filter), then a good filter.
                img.thumbnail((target, 10 * target), Image.Resampling.LANCZOS, reducing_gap=3.0)
            out = img.convert("RGBA")
    except (OSError, Image.DecompressionBombError) as exc:
        raise LogoUnreadable("The logo is not a readable image.") from exc
    buf = io.BytesIO()
    out.save(buf, format="PNG", compress_level=3)
    return buf.getvalue(), source


def _scale(png: bytes, width_in: float) -> tuple[bytes, tuple[int, int]]:
    """Prefer the intake module's scaler (one definition of "print size"); fall back to ours."""
    try:
        from proofs.logo import print_scaled
    except ImportError:
        return _scale_locally(png, width_in, PRINT_DPI)
    try:
        with Image.open(io.BytesIO(png)) as img:
            source = (img.width, img.height)
            if source[0] * source[1] > MAX_LOGO_PIXELS:
                raise LogoUnreadable("The logo has too many pixels to print.")
        return print_scaled(png, width_in, dpi=PRINT_DPI), source
    except (OSError, Image.DecompressionBombError) as exc:
        raise LogoUnreadable("The logo is not a readable image.") from exc


def effective_dpi(width_px: int, width_in: float) -> float:
    return width_px / width_in if width_in > 0 else 0.0


def prepare_logo(png: bytes, width_in: float) -> PrintLogo:
    """Scale ``png`` for printing ``width_in`` inches wide; cached by content, so once per logo."""
    width_in = float(width_in)
    if not (0 < width_in <= MAX_WIDTH_IN) or not math.isfinite(width_in):
        raise ValueError(f"logo width must be between 0 and {MAX_WIDTH_IN:g} in, got {width_in!r}")
    return _prepare(hashlib.sha256(png).hexdigest(), round(width_in, 3), png)


_CACHE: dict[tuple[str, float], PrintLogo] = {}
_CACHE_SIZE = 16


def _prepare(digest: str, width_in: float, png: bytes) -> PrintLogo:
    key = (digest, width_in)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    scaled, source = _scale(png, width_in)
    ratio = source[1] / max(1, source[0])
    result = PrintLogo(
        png=scaled,
        sha256=digest,
        width_in=width_in,
        height_in=round(width_in * ratio, 3),
        source_px=source,
        dpi=effective_dpi(source[0], width_in),
    )
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = result
    return result


def clear_cache() -> None:
    """Forget scaled logos (the benchmark's naive baseline and tests use this)."""
    _CACHE.clear()
