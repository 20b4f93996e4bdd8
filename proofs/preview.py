"""The wizard's live preview: the same mockup as the proof, smaller, fast, and cacheable.

It is drawn by the proof's own code path (:func:`proofs.mockup.compose`), so what the buyer
sees while choosing is what the proof will show. A preview is keyed by everything that
shapes it, so an HTTP cache (or storage) can answer repeated requests without drawing.
"""

from __future__ import annotations

import hashlib

from configurator.catalog import Catalog
from configurator.spec import BoxSpec
from proofs.logo import prepare_logo
from proofs.mockup import compose, encode_png

PREVIEW_SIZE = (800, 600)
PREVIEW_VERSION = "2"
"""Bump when the drawing changes, so cached previews are not reused."""


def preview_key(spec: BoxSpec, logo_sha: str | None, size: tuple[int, int] = PREVIEW_SIZE) -> str:
    """A strong ETag / cache key: spec, logo, size and drawing version."""
    shape = f"{PREVIEW_VERSION}:{size[0]}x{size[1]}:{spec.content_hash()}:{logo_sha or '-'}"
    return hashlib.sha256(shape.encode()).hexdigest()


def render_preview(
    spec: BoxSpec, catalog: Catalog, logo_png: bytes | None = None, size: tuple[int, int] = PREVIEW_SIZE
) -> bytes:
    """PNG bytes of the mockup at ``size``; the logo is scaled once per process, then reused."""
    logo = prepare_logo(logo_png, spec.logo_width_in).image() if logo_png is not None else None
    # Fast zlib level: a preview is shown once and replaced on the next change.
    return encode_png(compose(spec, catalog, size, logo), compress_level=1)
