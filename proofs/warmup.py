"""Warm a worker before its first proof: imports, fonts, templates and artwork.

The first WeasyPrint render of a process pays for importing it, loading fontconfig, opening
the Noto families (CJK and emoji are large) and parsing the stylesheet; the first mockup
pays for rasterising the scene and the artwork. A worker does all that once at start, so the
first buyer after a deploy waits no longer than the next one.
"""

from __future__ import annotations

import logging
import time
from datetime import date

from configurator.catalog import load_catalog
from configurator.pricing import quote
from configurator.spec import BoxSpec, ItemLine
from proofs.request import ProofRequest

log = logging.getLogger(__name__)
_done = False

# One line of every script a card may use, so every font family is opened once.
SAMPLE_MESSAGE = "Welcome, Zoë! Καλώς ήρθατε. Добро пожаловать. مرحبا. שלום. 欢迎。ようこそ。🎁"


def warm_up() -> float:
    """Render a sample proof and the common scene layers; returns the seconds it took (once per process)."""
    global _done
    if _done:
        return 0.0
    started = time.perf_counter()
    from proofs import artwork, fonts, scene
    from proofs.mockup import compose
    from proofs.pdf import MOCKUP_SIZE, render_proof_files
    from proofs.preview import PREVIEW_SIZE

    catalog = load_catalog()
    products = sorted(catalog.products)
    spec = BoxSpec(
        box_size=next(iter(catalog.box_sizes)),
        box_colour="kraft",
        ribbon_colour="navy",
        tissue_colour="ivory",
        items=tuple(ItemLine(p, catalog.products[p].colours[0]) for p in products[:3]),
        message=SAMPLE_MESSAGE,
        sign_off="Gifts of Hope",
        monogram="GH",
    )
    render_proof_files(
        ProofRequest(
            spec=spec,
            quote=quote(spec, catalog),
            organisation="Gifts of Hope",
            design_name="Warm-up",
            reference="WARM-UP",
            version=1,
            created=date(2025, 1, 1),
            review_url="https://example.invalid/warm-up",
        )
    )
    # Scene layers for every box size at proof and preview size (colour-independent).
    for size in (MOCKUP_SIZE, PREVIEW_SIZE):
        frame = scene.Frame(*size)
        for box in catalog.box_sizes.values():
            geo = scene.BoxGeometry.for_inches(box.inches)
            for layer in (scene.lid_layer, scene.ribbon_layer, scene.box_layer, scene.tissue_layer):
                layer(geo, frame)
    compose(spec, catalog, PREVIEW_SIZE)
    artwork.svg_source(products[0])
    fonts.font_set_id()
    _done = True
    elapsed = time.perf_counter() - started
    log.info("proof renderer warmed up in %.2f s", elapsed)
    return elapsed
