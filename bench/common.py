"""Shared inputs: one typical design, logos of two sizes, and a timing helper."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from datetime import date

from PIL import Image, ImageDraw

from configurator.catalog import Catalog
from configurator.pricing import quote
from configurator.spec import BoxSpec, ItemLine
from configurator.vocabulary import LogoPlacement
from proofs.request import ProofRequest


def logo_png(side: int, height: int | None = None) -> bytes:
    """A flat-colour logo (ring, bar and a gradient), like a real exported mark."""
    height = height or side
    img = Image.new("RGBA", (side, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    h = min(side, height)
    draw.ellipse((0, 0, h - 1, h - 1), fill=(200, 40, 70, 255))
    draw.ellipse((h // 4, h // 4, 3 * h // 4, 3 * h // 4), fill=(255, 255, 255, 0))
    if side > h * 1.2:
        draw.rectangle((int(h * 1.1), h // 4, side - 1, 3 * h // 4), fill=(30, 50, 90, 255))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def typical_spec(catalog: Catalog, n: int = 0) -> BoxSpec:
    """The same design with a different message each time, as consecutive proofs would have."""
    return BoxSpec(
        box_size="medium",
        box_colour="kraft",
        ribbon_colour="navy",
        tissue_colour="ivory",
        items=(
            ItemLine("stitched-journal", "navy"),
            ItemLine("soy-candle", "ivory"),
            ItemLine("key-fob", "teal"),
        ),
        message=f"Welcome to the team, Zoë! We are so glad you are here. (#{n})\n\nWarm wishes for 2025.",
        sign_off="The People team",
        quantity=25,
        logo_id="0" * 64,
        logo_placement=LogoPlacement.LID,
        logo_width_in=2.0,
        monogram="AE",
        needed_by=date(2025, 4, 1),
    )


def typical_request(catalog: Catalog, n: int = 0, logo: bytes | None = None) -> ProofRequest:
    """The render input of :func:`typical_spec`, as the app would build it for version 2."""
    spec = typical_spec(catalog, n)
    return ProofRequest(
        spec=spec,
        quote=quote(spec, catalog),
        organisation="Acme Events Ltd",
        design_name="Welcome box 2025",
        reference="GOH-D00017-v2",
        version=2,
        created=date(2025, 3, 4),
        review_url="https://gifts.example.org/designs/17",
        logo_png=logo,
    )


def median_ms(fn: Callable[[int], object], n: int, warm: int = 1) -> float:
    for i in range(warm):
        fn(-1 - i)
    samples = []
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000
