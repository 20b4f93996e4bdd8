from __future__ import annotations

import re

import defusedxml.ElementTree as ET
import pytest

from proofs import artwork


def test_every_catalog_product_has_its_own_drawing(catalog):
    assert set(catalog.products) <= set(artwork.artwork_ids())


@pytest.mark.parametrize("product_id", artwork.artwork_ids())
def test_drawings_are_small_greyscale_svgs(product_id):
    source = artwork.svg_source(product_id)
    root = ET.fromstring(source)
    assert root.get("viewBox") == "0 0 200 200"
    colours = {c.lower() for c in re.findall(r"#([0-9a-fA-F]{6})", source)}
    assert all(c[0:2] == c[2:4] == c[4:6] for c in colours), "artwork must be grey so it can be tinted"


def test_tinting_follows_the_colour_and_keeps_shading():
    teal = artwork.tinted("zip-pouch", 120, "#1F7A7A")
    coral = artwork.tinted("zip-pouch", 120, "#E9725C")
    assert teal.size == (120, 120) and teal.mode == "RGBA"
    assert teal.tobytes() != coral.tobytes()
    raw = teal.tobytes()
    opaque = {raw[i : i + 3] for i in range(0, len(raw), 4) if raw[i + 3] == 255}
    assert len(opaque) > 5  # highlights and shadows survive


@pytest.mark.parametrize("product_id", ["no-such-product", "../../etc/passwd", ""])
def test_unknown_or_hostile_ids_fall_back_to_a_parcel(product_id):
    assert artwork.svg_source(product_id) == artwork.svg_source(artwork.FALLBACK)


def test_bad_hex_is_a_neutral_grey_not_an_error():
    assert artwork.hex_to_rgb("not a colour") == (204, 204, 204)
