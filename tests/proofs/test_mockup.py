from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from configurator.spec import ItemLine
from proofs.mockup import grid, render_mockup
from tests.proofs.conftest import make_spec


def _open(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img


@pytest.mark.parametrize("size", [(1600, 1200), (800, 600), (400, 300), (300, 300), (1200, 600)])
def test_renders_at_each_requested_size(catalog, size):
    img = _open(render_mockup(make_spec(catalog), catalog, size=size))
    assert img.format == "PNG" and img.size == size


def test_same_inputs_give_identical_bytes(catalog):
    spec = make_spec(catalog, message="Merci ! Ελληνικά, Привет, 你好, مرحبا")
    assert render_mockup(spec, catalog) == render_mockup(spec, catalog)


def test_png_carries_no_metadata(catalog):
    img = _open(render_mockup(make_spec(catalog), catalog, size=(400, 300)))
    assert not img.info.keys() - {"dpi"}


@pytest.mark.parametrize("field", ["box_colour", "ribbon_colour", "tissue_colour"])
def test_colours_change_the_pixels(catalog, field):
    a = make_spec(catalog)
    b = a.replace(**{field: {"box_colour": "navy", "ribbon_colour": "coral", "tissue_colour": "sage"}[field]})
    diff = ImageChops.difference(
        _open(render_mockup(a, catalog)).convert("RGB"), _open(render_mockup(b, catalog)).convert("RGB")
    )
    assert diff.getbbox() is not None


def test_item_colour_changes_the_pixels(catalog):
    a = make_spec(catalog)
    b = a.replace(items=(ItemLine("stitched-journal", "red"), ItemLine("soy-candle", "ivory")))
    assert render_mockup(a, catalog, size=(400, 300)) != render_mockup(b, catalog, size=(400, 300))


@pytest.mark.parametrize("count", [0, 1, 2, 3, 5, 9, 15])
def test_any_number_of_items(catalog, count):
    products = list(catalog.products.values())
    items = tuple(ItemLine(p.id, p.colours[0]) for p in (products * 2)[:count])
    img = _open(render_mockup(make_spec(catalog, items=items, box_size="large"), catalog, size=(800, 600)))
    assert img.size == (800, 600)


def test_grid_prefers_big_square_cells():
    assert grid(1, 800, 600) == (1, 1)
    assert grid(4, 800, 600) == (2, 2)
    assert grid(9, 800, 600) == (3, 3)
    assert grid(3, 900, 300) == (3, 1)


@pytest.mark.parametrize(
    "message",
    [
        "",
        "Line one\nLine two\n\n\nLine five\nsix\nseven\neight",
        "שלום עולם, תודה רבה",
        "شكرا جزيلا لكم على هذا العام",
        "谢谢你们这一年的努力和支持谢谢你们这一年的努力和支持谢谢你们这一年的努力和支持",
        "Emoji 🎁🌟 and a glyph nobody has: \U000f0001 \u0378",
        "x" * 400,
    ],
)
def test_any_message_draws_without_crashing(catalog, message):
    _open(render_mockup(make_spec(catalog, message=message, sign_off=message[:30]), catalog, size=(800, 600)))


def test_logo_changes_the_picture(catalog):
    logo = Image.new("RGBA", (300, 120), (200, 30, 80, 255))
    buf = io.BytesIO()
    logo.save(buf, "PNG")
    spec = make_spec(catalog)
    assert render_mockup(spec, catalog, logo_png=buf.getvalue()) != render_mockup(spec, catalog)


def test_unreadable_logo_is_a_clear_error(catalog):
    with pytest.raises(ValueError, match="logo"):
        render_mockup(make_spec(catalog), catalog, logo_png=b"not a png")


@pytest.mark.parametrize("size", [(0, 0), (10, 10), (100_000, 300)])
def test_absurd_sizes_are_refused(catalog, size):
    with pytest.raises(ValueError):
        render_mockup(make_spec(catalog), catalog, size=size)
