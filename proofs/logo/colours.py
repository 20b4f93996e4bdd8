"""A logo's main colours, the catalog colours that go with them, and whether it stays visible.

Distances are CIEDE2000 in CIELAB, the CIE's perceptual colour difference. Colours are
measured on a small copy of the logo; a flat logo colour comes back exactly (the most common
real pixel of each cluster, not the cluster's average), so a logo drawn in a catalog colour
finds that colour at distance zero. Matching is not the only test: a box the logo is printed
on must contrast with it (:data:`LOGO_MIN_CONTRAST`), or a navy logo vanishes on a navy lid.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import cast

from PIL import Image

from configurator.catalog import Catalog
from configurator.vocabulary import LogoPlacement

MAX_COLOURS = 5
MAX_SUGGESTIONS = 3
SAMPLE_PX = 96
"""Longest side of the copy measured: enough for a logo's colours, cheap in pure Python."""
CLUSTERS = 12
MIN_SHARE = 0.02
"""A colour covering less of the logo than this is an edge or a speck, not a main colour."""
SAME_COLOUR = 10.0
"""Colour difference under which two colours read as one (and as the background)."""
BACKGROUND_SHARE = 0.6
RANK_PENALTY = 5.0
"""Added per rank, so a box matching the logo's main colour beats one matching its fifth."""
LOGO_MIN_CONTRAST = 3.0
"""WCAG 2.1 non-text contrast (SC 1.4.11): a graphic below 3:1 against its surface is hard to see."""
PAPER: tuple[int, int, int] = (255, 253, 248)
"""The cream card stock of the message card and the gift tag (the mockup draws them in it)."""
SURFACES = {LogoPlacement.CARD: "the cream message card", LogoPlacement.TAG: "the cream gift tag"}
"""Placements printed on paper; the lid is printed on the box colour."""

Rgb = tuple[int, int, int]
Rgba = tuple[int, int, int, int]
Lab = tuple[float, float, float]
_HEX = re.compile(r"#?([0-9a-fA-F]{6})")
WHITE: Lab = (100.0, 0.0, 0.0)


def dominant_colours(img: Image.Image) -> tuple[str, ...]:
    """Up to five ``#RRGGBB`` colours, most prominent first, ignoring transparency and the backdrop."""
    sample = img.convert("RGBA")
    sample.thumbnail((SAMPLE_PX, SAMPLE_PX), Image.Resampling.NEAREST)
    # Pillow types pixels as a union over every mode; this image is RGBA, so they are 4-tuples.
    pixels = cast("tuple[Rgba, ...]", sample.get_flattened_data())
    opaque = [(r, g, b) for r, g, b, a in pixels if a >= 128]
    if not opaque:
        return ()
    clusters = _clusters(opaque)
    backdrops = [WHITE, *_backdrop(sample, clusters)]
    kept = [(c, n) for c, n in clusters if min(delta_e(lab(c), b) for b in backdrops) >= SAME_COLOUR]
    chosen = _distinct(kept or clusters, total=len(opaque))
    return tuple(to_hex(c) for c in chosen)


def _clusters(pixels: list[Rgb]) -> list[tuple[Rgb, int]]:
    """Median-cut the pixels; each cluster is named by its most common real colour."""
    strip = Image.new("RGB", (len(pixels), 1))
    strip.putdata(pixels)
    indexed = strip.quantize(CLUSTERS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    members: dict[int, Counter[Rgb]] = {}
    # A palette image's pixels are palette indexes; Pillow types them for every mode.
    indexes = cast("tuple[int, ...]", indexed.get_flattened_data())
    for index, rgb in zip(indexes, pixels, strict=True):
        members.setdefault(index, Counter())[rgb] += 1
    clusters = [(max(c.items(), key=lambda kv: (kv[1], kv[0]))[0], c.total()) for c in members.values()]
    return sorted(clusters, key=lambda cn: (-cn[1], cn[0]))


def _backdrop(sample: Image.Image, clusters: list[tuple[Rgb, int]]) -> list[Lab]:
    """The colour filling most of the border of a fully opaque logo (a JPEG's background).

    A logo with any transparency chose its own backdrop, so an opaque border there (a badge,
    a filled rounded rectangle) is part of the logo and counts.
    """
    # One band gives one (low, high) pair; Pillow types the result for many bands too.
    lowest_alpha, _ = cast("tuple[int, int]", sample.getchannel("A").getextrema())
    if lowest_alpha < 255:
        return []
    width, height = sample.size
    edge = [(x, 0) for x in range(width)] + [(x, height - 1) for x in range(width)]
    edge += [(0, y) for y in range(height)] + [(width - 1, y) for y in range(height)]
    border = [lab(cast(Rgba, sample.getpixel(p))[:3]) for p in edge]
    for colour, _ in clusters:
        near = sum(1 for p in border if delta_e(p, lab(colour)) < SAME_COLOUR)
        if near >= BACKGROUND_SHARE * len(border):
            return [lab(colour)]
    return []


def _distinct(clusters: list[tuple[Rgb, int]], total: int) -> list[Rgb]:
    """The most common clusters that cover enough of the logo and differ visibly from each other."""
    chosen: list[Rgb] = []
    for colour, count in clusters:
        if count < MIN_SHARE * total and chosen:
            break
        if all(delta_e(lab(colour), lab(c)) >= SAME_COLOUR for c in chosen):
            chosen.append(colour)
        if len(chosen) == MAX_COLOURS:
            break
    return chosen


def suggest_colours(
    colours: Sequence[str], catalog: Catalog, placement: str = LogoPlacement.LID
) -> dict[str, list[str]]:
    """Box and ribbon colour ids that match the logo, best first.

    Box colours are ranked by their distance to the nearest logo colour (main colours weigh
    more); when the logo is printed on the lid, a box it would not stand out on is never
    offered. The first ribbon is the one closest to the logo's main colour, since a ribbon in
    the brand colour is what buyers ask for (no placement prints on the ribbon), and the rest
    follow the box ranking. ``ValueError`` for a placement outside the vocabulary.
    """
    on_paper = LogoPlacement(placement) in SURFACES
    labs = [lab(rgb) for rgb in (parse_hex(c) for c in colours) if rgb is not None]
    if not labs:
        return {"box_colours": [], "ribbon_colours": []}
    box = _ranked(catalog.box_colours, labs, catalog)
    if not on_paper:
        box = [c for c in box if legible(colours, catalog.colour_hex(c))]
    ribbon = _ranked(catalog.ribbon_colours, labs, catalog)
    main = _ranked(catalog.ribbon_colours, labs[:1], catalog)[:1]
    ribbon = main + [c for c in ribbon if c not in main]
    return {"box_colours": box[:MAX_SUGGESTIONS], "ribbon_colours": ribbon[:MAX_SUGGESTIONS]}


def _ranked(ids: Iterable[str], logo: list[Lab], catalog: Catalog) -> list[str]:
    """Catalog ids ordered by weighted distance to the logo's colours (catalog order breaks ties)."""
    scored = []
    for order, colour_id in enumerate(dict.fromkeys(ids)):
        rgb = parse_hex(catalog.colour_hex(colour_id)) if colour_id in catalog.colours else None
        if rgb is None:
            continue
        target = lab(rgb)
        score = min(delta_e(target, c) + RANK_PENALTY * rank for rank, c in enumerate(logo))
        scored.append((score, order, colour_id))
    return [colour_id for _, _, colour_id in sorted(scored)]


def contrast_ratio(a: Rgb, b: Rgb) -> float:
    """WCAG contrast ratio of two sRGB colours, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def legible(colours: Sequence[str], surface_hex: str) -> bool:
    """Whether the logo's main colour stands out from the surface it is printed on.

    The main colour is most of the logo's ink; a small accent in a contrasting colour does
    not keep a navy wordmark readable on a navy lid. Unknown colours count as legible.
    """
    main = next((rgb for rgb in map(parse_hex, colours) if rgb is not None), None)
    surface = parse_hex(surface_hex)
    return main is None or surface is None or contrast_ratio(main, surface) >= LOGO_MIN_CONTRAST


def contrast_finding(colours: Sequence[str], placement: str, box_colour: str, catalog: Catalog) -> str | None:
    """A sentence for buyer and staff when the logo would be hard to see, else ``None``."""
    paper = SURFACES.get(LogoPlacement(placement))
    surface_hex = to_hex(PAPER) if paper else catalog.colour_hex(box_colour)
    main = next((rgb for rgb in map(parse_hex, colours) if rgb is not None), None)
    if main is None or legible(colours, surface_hex):
        return None
    name = catalog.colour_name(nearest_colour(main, catalog)).lower()
    dark = _luminance(main) < _MID_GREY
    outline = "light" if dark else "dark"
    if paper:
        return (
            f"Your {name} logo will be hard to see on {paper}; print it on the lid "
            f"or choose a logo with a {outline} outline."
        )
    return (
        f"Your {name} logo will be hard to see on a {catalog.colour_name(box_colour)} lid; choose a "
        f"{'lighter' if dark else 'darker'} box colour or a logo with a {outline} outline."
    )


def nearest_colour(rgb: Rgb, catalog: Catalog) -> str:
    """The catalog colour id that looks most like ``rgb`` (to name a logo's colour in a sentence)."""
    return _ranked(catalog.colours, [lab(rgb)], catalog)[0]


_MID_GREY = 0.179
"""Relative luminance with equal contrast against black and white: darker needs a lighter surface."""


def _luminance(rgb: Rgb) -> float:
    r, g, b = (_linear(c / 255) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def parse_hex(value: str) -> Rgb | None:
    match = _HEX.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    digits = match.group(1)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: Rgb) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


@functools.lru_cache(maxsize=4096)
def lab(rgb: Rgb) -> Lab:
    """sRGB (D65) to CIELAB."""
    r, g, b = (_linear(c / 255) for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883
    fx, fy, fz = _f(x), _f(y), _f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a: Lab, b: Lab) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005): about 1 is just noticeable.

    Unlike plain distance in CIELAB it weighs lightness, chroma and hue the way people see
    them, so a saturated red finds the red ribbon rather than the coral one.
    """
    l1, a1, b1 = a
    l2, a2, b2 = b
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dlp, dcp = l2 - l1, c2p - c1p
    dh = h2p - h1p
    if c1p * c2p == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    dhp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    lp_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    else:
        hp_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(hp_bar - 30))
        + 0.24 * math.cos(math.radians(2 * hp_bar))
        + 0.32 * math.cos(math.radians(3 * hp_bar + 6))
        - 0.20 * math.cos(math.radians(4 * hp_bar - 63))
    )
    s_l = 1 + 0.015 * (lp_bar - 50) ** 2 / math.sqrt(20 + (lp_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = (
        -2
        * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
        * math.sin(math.radians(60 * math.exp(-(((hp_bar - 275) / 25) ** 2))))
    )
    return math.sqrt((dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (dhp / s_h) ** 2 + r_t * (dcp / s_c) * (dhp / s_h))


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _f(t: float) -> float:
    return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
