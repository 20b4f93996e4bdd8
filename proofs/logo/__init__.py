"""Logo intake: an upload in, a safe normalised PNG and what we know about it out.

``intake_logo`` accepts PNG, JPEG and SVG, told apart by their bytes. Rasters are header-checked
before decoding and normalised to an upright sRGB RGBA PNG without metadata; SVGs are parsed
hardened, cleaned and drawn by resvg in a resource-limited child process. Every refusal is a
:class:`LogoError` whose text is written for the buyer.

The original upload is kept on :class:`Logo` for staff, but must never be served inline: an SVG
from a buyer is still a document a browser would run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from PIL import Image

from proofs.logo.colours import contrast_finding, dominant_colours, legible, suggest_colours
from proofs.logo.errors import (
    MAX_BYTES,
    MAX_PIXELS,
    MAX_SIDE_PX,
    NORMALISED_MAX_PX,
    PRINT_DPI,
    LogoError,
    check_byte_size,
)
from proofs.logo.printing import (
    PrintLogo,
    PrintSize,
    effective_dpi,
    low_resolution,
    prepare_logo,
    print_scaled,
    print_size,
)
from proofs.logo.raster import clear_hidden_pixels, decode_raster, encode_png, open_png
from proofs.logo.render import rasterise
from proofs.logo.sniff import sniff_format
from proofs.logo.svg import MAX_SVG_DEPTH, MAX_SVG_ELEMENTS, prepare_svg

__all__ = [
    "MAX_BYTES",
    "MAX_PIXELS",
    "MAX_SIDE_PX",
    "MAX_SVG_DEPTH",
    "MAX_SVG_ELEMENTS",
    "NORMALISED_MAX_PX",
    "PRINT_DPI",
    "Logo",
    "LogoError",
    "PrintLogo",
    "PrintSize",
    "contrast_finding",
    "effective_dpi",
    "intake_logo",
    "legible",
    "low_resolution",
    "prepare_logo",
    "print_scaled",
    "print_size",
    "suggest_colours",
]


@dataclass(frozen=True)
class Logo:
    """An accepted logo: what the buyer sent, and the one normalised PNG everything else draws from."""

    original: bytes
    """Exactly what was uploaded: kept for staff, never served inline."""
    original_format: str
    """``"png"``, ``"jpeg"`` or ``"svg"``, from the bytes, not the file name."""
    png: bytes
    """Normalised RGBA PNG, no metadata, longest side at most ``NORMALISED_MAX_PX``."""
    width_px: int
    height_px: int
    colours: tuple[str, ...]
    """Up to five ``#RRGGBB``, most prominent first, without transparent and background pixels."""
    sha256: str
    """Hex digest of ``png``: the id a box spec stores."""

    @property
    def is_vector(self) -> bool:
        """An SVG can be drawn again at any size, so it is never low resolution."""
        return self.original_format == "svg"

    def low_resolution_at(self, print_width_in: float) -> bool:
        """Whether to warn at this print width; always ``False`` for an SVG."""
        return not self.is_vector and low_resolution(self.width_px, print_width_in)


def intake_logo(data: bytes, filename: str = "") -> Logo:
    """Check, decode and normalise an uploaded logo; raise :class:`LogoError` with the reason if not."""
    data = bytes(data)
    check_byte_size(data)
    fmt = sniff_format(data, filename)
    image = _draw_svg(data) if fmt == "svg" else decode_raster(data, fmt)
    if image.getchannel("A").getbbox() is None:
        raise LogoError(
            "The logo has nothing visible in it (it is completely transparent). Please check the file."
        )
    image = clear_hidden_pixels(image)
    png = encode_png(image)
    return Logo(
        original=data,
        original_format=fmt,
        png=png,
        width_px=image.width,
        height_px=image.height,
        colours=dominant_colours(image),
        sha256=hashlib.sha256(png).hexdigest(),
    )


def _draw_svg(data: bytes) -> Image.Image:
    prepared = prepare_svg(data)
    return open_png(rasterise(prepared))
