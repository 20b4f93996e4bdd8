"""Screen previews of a spec (draft or candidate), cached in storage by a hash of their inputs.

The candidate spec is stored next to its picture, so any web process can render a preview
URL that another process handed out.
"""

from __future__ import annotations

import functools
import io
import json

from flask import current_app

from app.services.branding import logo_png
from app.services.errors import NotFound
from app.storage import storage
from configurator.catalog import load_catalog
from configurator.spec import BoxSpec
from proofs import preview
from proofs.artwork import artwork_ids, tinted

SIZES = {"preview": preview.PREVIEW_SIZE, "thumb": (480, 360)}


def preview_key(spec: BoxSpec, size: str = "preview") -> str:
    """The renderer's own key (spec, logo, size, drawing version): a changed drawing is a new key."""
    return preview.preview_key(spec, spec.logo_id, SIZES[size])


STORED_KEYS = 10_000
"""Keys this process knows are stored; past this many it forgets them all and asks storage again."""


def remember(spec: BoxSpec, size: str = "preview") -> str:
    """Store the spec under its preview key (once) and return the key for the URL.

    Every wizard page asks; a process remembers what it stored, so a page costs no storage
    round trip (a request to the bucket with object storage) for a spec it has seen.
    """
    key = preview_key(spec, size)
    known: set[str] = current_app.extensions.setdefault("previews.stored", set())
    if key in known:
        return key
    store = storage()
    if not store.exists(f"previews/{key}.json"):
        store.put(f"previews/{key}.json", json.dumps({"size": size, "spec": spec.to_dict()}).encode())
    if len(known) >= STORED_KEYS:
        known.clear()
    known.add(key)
    return key


def preview_png(key: str) -> bytes:
    """The PNG for a key handed out by :func:`remember`; rendered on first request, then reused."""
    if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
        raise NotFound("No such preview.")
    store = storage()
    png_key = f"previews/{key}.png"
    if store.exists(png_key):
        return store.get(png_key)
    if not store.exists(f"previews/{key}.json"):
        raise NotFound("No such preview.")
    stored = json.loads(store.get(f"previews/{key}.json"))
    spec = BoxSpec.from_dict(stored["spec"])
    png = preview.render_preview(spec, load_catalog(), logo_png(spec.logo_id), SIZES[stored["size"]])
    store.put(png_key, png)
    return png


BOARD_SIZES = (64, 96, 128, 192, 384)
"""The square sizes the maker board and the staff pages draw job pictures at (1x and 2x)."""


def product_png(product_id: str, colour_id: str, px: int = 160) -> bytes:
    """A catalog product's picture in one of its colours, for choosing in the wizard."""
    catalog = load_catalog()
    product = catalog.products.get(product_id)
    if product is None or colour_id not in product.colours:
        raise NotFound("No such product picture.")
    return _picture(product_id, px, catalog.colour_hex(colour_id))


def job_png(art_id: str, colour_id: str, px: int) -> bytes:
    """A production job's picture: a product, or the parcel of a packing job, in a catalog colour."""
    catalog = load_catalog()
    known = art_id in catalog.products or art_id in artwork_ids() or art_id == "parcel"
    if not known or colour_id not in catalog.colours or px not in BOARD_SIZES:
        raise NotFound("No such product picture.")
    return _picture(art_id, px, catalog.colour_hex(colour_id))


@functools.lru_cache(maxsize=512)
def _picture(art_id: str, px: int, hex_colour: str) -> bytes:
    """The one place a product picture is drawn; the same few are asked for all day, so kept."""
    out = io.BytesIO()
    tinted(art_id, px, hex_colour).save(out, format="PNG", optimize=True)
    return out.getvalue()
