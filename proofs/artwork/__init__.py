"""Product artwork: greyscale SVG drawings, rasterised once and tinted to a catalog colour.

The drawings are greyscale so one file serves every colour a product comes in: a mid grey
(``BASE_GREY``) becomes exactly the chosen colour, lighter greys become highlights and darker
greys become shading. Rasters are cached per (product, size) because a proof page and its
thumbnail ask for the same few sizes again and again.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import resvg_py
from PIL import Image, ImageFilter

ARTWORK_DIR = Path(__file__).resolve().parent
FALLBACK = "parcel"
"""Drawn for a product id without artwork, so a new catalog entry never breaks a proof."""

BASE_GREY = 208
"""The grey (#D0D0D0) that the artwork uses for "the product's own colour"."""

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def artwork_ids() -> tuple[str, ...]:
    """Every product id that has its own drawing."""
    return tuple(sorted(p.stem for p in ARTWORK_DIR.glob("*.svg") if p.stem != FALLBACK))


@functools.lru_cache(maxsize=64)
def svg_source(product_id: str) -> str:
    """Return the SVG text for a product; ids are checked so they never walk the file system."""
    if _ID.fullmatch(product_id):
        path = ARTWORK_DIR / f"{product_id}.svg"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return (ARTWORK_DIR / f"{FALLBACK}.svg").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=256)
def raster(product_id: str, px: int) -> Image.Image:
    """Rasterise the drawing to a ``px`` square in mode LA (grey + alpha). Shared: do not mutate."""
    px = max(8, int(px))
    png = resvg_py.svg_to_bytes(
        svg_string=svg_source(product_id), width=px, height=px, skip_system_fonts=True
    )
    with Image.open(io.BytesIO(bytes(png))) as img:
        rgba = img.convert("RGBA")
    if rgba.size != (px, px):
        rgba = rgba.resize((px, px), Image.Resampling.LANCZOS)
    grey = rgba.convert("L")
    return Image.merge("LA", (grey, rgba.getchannel("A")))


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    """Parse ``#RRGGBB`` (or ``RRGGBB``); anything else becomes a neutral grey, never an error."""
    text = value.strip().lstrip("#")
    if re.fullmatch(r"[0-9a-fA-F]{6}", text):
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    return (204, 204, 204)


def tone_lut(rgb: tuple[int, int, int]) -> list[int]:
    """A 768-entry RGB lookup table mapping grey levels onto shades of ``rgb``.

    Darker greys head towards a deep shade of the colour (not black, so dark products keep
    their form); lighter greys head towards a pale tint, so black items still show shading.
    """
    lut: list[int] = []
    for channel in rgb:
        shadow = channel * 0.32
        light = channel + (255 - channel) * 0.5
        for level in range(256):
            if level <= BASE_GREY:
                value = shadow + (channel - shadow) * (level / BASE_GREY)
            else:
                value = channel + (light - channel) * ((level - BASE_GREY) / (255 - BASE_GREY))
            lut.append(round(min(255.0, max(0.0, value))))
    return lut


def tint(image: Image.Image, hex_colour: str) -> Image.Image:
    """Colour a grey+alpha (LA) image with ``hex_colour``, keeping its shading; returns RGBA."""
    grey, alpha = image.split()
    rgb = Image.merge("RGB", (grey, grey, grey)).point(_lut(hex_to_rgb(hex_colour)))
    rgb.putalpha(alpha)
    return rgb


@functools.lru_cache(maxsize=64)
def _lut(rgb: tuple[int, int, int]) -> list[int]:
    return tone_lut(rgb)


@functools.lru_cache(maxsize=512)
def tinted(product_id: str, px: int, hex_colour: str) -> Image.Image:
    """The drawing in the item's colour as RGBA. Shared: do not mutate."""
    return tint(raster(product_id, px), hex_colour)


@functools.lru_cache(maxsize=256)
def shadow(product_id: str, px: int, radius: float) -> Image.Image:
    """A soft drop-shadow mask (mode L) with a margin of ``2*radius``. Shared: do not mutate."""
    margin = round(radius * 2)
    mask = Image.new("L", (px + 2 * margin, px + 2 * margin), 0)
    mask.paste(raster(product_id, px).getchannel("A"), (margin, margin))
    return mask.filter(ImageFilter.GaussianBlur(radius))


DEFAULT_INK = (58, 90, 80)
"""The proof's green: used for accents when none of the design's colours reads on paper."""


def luminance(rgb: tuple[int, int, int]) -> float:
    """Relative luminance (WCAG), 0 for black to 1 for white."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def readable_ink(*hex_colours: str) -> tuple[int, int, int]:
    """The first colour dark enough to read on cream paper (contrast at least 3:1), else our green."""
    for value in hex_colours:
        rgb = hex_to_rgb(value)
        if luminance(rgb) <= 0.28:
            return rgb
    return DEFAULT_INK
