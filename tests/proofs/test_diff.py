"""The visual diff of two mockups: changed areas found, boxed, numbered and described."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from proofs.diff import visual_diff
from proofs.mockup import render_mockup
from tests.proofs.conftest import make_spec


def png(draw=None, size=(400, 300)) -> bytes:
    image = Image.new("RGB", size, (250, 248, 243))
    if draw:
        draw(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_identical_pictures_have_no_regions():
    same = png(lambda d: d.rectangle((50, 50, 120, 90), fill=(20, 90, 90)))
    result = visual_diff(same, same)
    assert result.regions == () and result.changed_fraction == 0
    assert Image.open(io.BytesIO(result.png)).size == (400, 300)


def test_one_change_is_one_region_in_the_right_place():
    old = png()
    new = png(lambda d: d.rectangle((300, 220, 340, 260), fill=(200, 0, 0)))
    [region] = visual_diff(old, new).regions
    assert region.x <= 300 and region.y <= 220
    assert region.x + region.width >= 341 and region.y + region.height >= 261
    assert region.width < 80 and region.height < 80
    assert region.where == "bottom right" and region.number == 1


def test_separate_changes_are_separate_regions_in_reading_order():
    old = png()

    def two(d):
        d.rectangle((10, 10, 30, 30), fill=(0, 0, 0))
        d.rectangle((200, 150, 220, 170), fill=(0, 0, 0))

    regions = visual_diff(old, png(two)).regions
    assert [r.where for r in regions] == ["top left", "centre"]
    assert [r.number for r in regions] == [1, 2]


def test_faint_noise_below_the_threshold_is_ignored():
    old = png()
    new = png(lambda d: d.rectangle((0, 0, 399, 299), fill=(245, 244, 240)))
    assert visual_diff(old, new).regions == ()


def test_real_mockups_show_a_ribbon_change(catalog):
    spec = make_spec(catalog)
    old = render_mockup(spec, catalog, size=(800, 600))
    new = render_mockup(spec.replace(ribbon_colour="red"), catalog, size=(800, 600))
    result = visual_diff(old, new)
    assert result.regions and 0 < result.changed_fraction < 0.5
    out = Image.open(io.BytesIO(result.png)).convert("RGB")
    first = result.regions[0]
    # The region keeps the new picture's true colours inside the box.
    inside = out.crop((first.x, first.y, first.x + first.width, first.y + first.height))
    assert inside.getcolors(1_000_000)


def test_different_sizes_are_compared_at_the_new_size(catalog):
    spec = make_spec(catalog)
    old = render_mockup(spec, catalog, size=(400, 300))
    new = render_mockup(spec, catalog, size=(800, 600))
    result = visual_diff(old, new)
    assert Image.open(io.BytesIO(result.png)).size == (800, 600)


def test_refuses_huge_images():
    big = Image.new("L", (5000, 4000))
    out = io.BytesIO()
    big.save(out, format="PNG")
    with pytest.raises(ValueError, match="too large"):
        visual_diff(out.getvalue(), out.getvalue())
