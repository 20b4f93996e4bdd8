"""A logo's main colours, and the catalog colours that go with them.

Distances are CIE76 (Euclidean in CIELAB): simple, and good enough to tell "navy" from "teal".
Colours are measured on a small copy of the logo; a flat logo colour comes back exactly
(the most common real pixel of each cluster, not the cluster's average), so a logo drawn in a
catalog colour finds that colour at distance zero.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from PIL import Image

from configurator.catalog import Catalog

MAX_COLOURS = 5
MAX_SUGGESTIONS = 3
SAMPLE_PX = 96
"""Longest side of the copy measured: enough for a logo's colours, cheap in pure Python."""
CLUSTERS = 12
MIN_SHARE = 0.02
"""A colour covering less of the logo than this is an edge or a speck, not a main colour."""
SAME_COLOUR = 10.0
"""CIE76 distance under which two colours read as one (and as the background)."""
BACKGROUND_SHARE = 0.6
RANK_PENALTY = 5.0
"""Added per rank, so a box matching the logo's main colour beats one matching its fifth."""

Rgb = tuple[int, int, int]
Lab = tuple[float, float, float]
_HEX = re.compile(r"#?([0-9a-fA-F]{6})")
WHITE: Lab = (100.0, 0.0, 0.0)


def dominant_colours(img: Image.Image) -> tuple[str, ...]:
    """Up to five ``#RRGGBB`` colours, most prominent first, ignoring transparency and the backdrop."""
    sample = img.convert("RGBA")
    sample.thumbnail((SAMPLE_PX, SAMPLE_PX), Image.Resampling.NEAREST)
    opaque = [(r, g, b) for r, g, b, a in sample.get_flattened_data() if a >= 128]
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
    for index, rgb in zip(indexed.get_flattened_data(), pixels, strict=True):
        members.setdefault(index, Counter())[rgb] += 1
    clusters = [(max(c.items(), key=lambda kv: (kv[1], kv[0]))[0], c.total()) for c in members.values()]
    return sorted(clusters, key=lambda cn: (-cn[1], cn[0]))


def _backdrop(sample: Image.Image, clusters: list[tuple[Rgb, int]]) -> list[Lab]:
    """The colour filling most of the border of a fully opaque logo (a JPEG's background).

    A logo with any transparency chose its own backdrop, so an opaque border there (a badge,
    a filled rounded rectangle) is part of the logo and counts.
    """
    if sample.getchannel("A").getextrema()[0] < 255:
        return []
    width, height = sample.size
    edge = [(x, 0) for x in range(width)] + [(x, height - 1) for x in range(width)]
    edge += [(0, y) for y in range(height)] + [(width - 1, y) for y in range(height)]
    border = [lab(sample.getpixel(p)[:3]) for p in edge]
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


def suggest_colours(colours: Sequence[str], catalog: Catalog) -> dict[str, list[str]]:
    """Box and ribbon colour ids that match the logo, best first.

    Box colours are ranked by their distance to the nearest logo colour (main colours weigh
    more); the first ribbon is the one closest to the logo's main colour, since a ribbon in the
    brand colour is what buyers ask for, and the rest follow the box ranking.
    """
    labs = [lab(rgb) for rgb in (parse_hex(c) for c in colours) if rgb is not None]
    if not labs:
        return {"box_colours": [], "ribbon_colours": []}
    box = _ranked(catalog.box_colours, labs, catalog)
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
    """CIE76 colour difference: about 2.3 is just noticeable, 10 clearly different."""
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2) ** 0.5


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _f(t: float) -> float:
    return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
