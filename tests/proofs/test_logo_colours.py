"""Logo colour matching is perceptual (CIEDE2000) and never hides the logo on its surface."""

from __future__ import annotations

import pytest

from proofs.logo.colours import (
    LOGO_MIN_CONTRAST,
    contrast_finding,
    contrast_ratio,
    delta_e,
    lab,
    legible,
    parse_hex,
    suggest_colours,
)

NAVY_LOGO = ("#1F2F4F",)


# Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula: implementation notes,
# supplementary test data, and mathematical observations", Table 1: pairs 1, 4, 7, 13, 14, 17,
# 19, 21-24, 34, 38, 41 and 43 (hue wrap-around, zero chroma, the blue region, near black).
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0010), 7.1792),
    ((50.0, -0.001, 2.49), (50.0, 0.0009, -2.49), 4.8045),
    ((50.0, -0.001, 2.49), (50.0, 0.0011, -2.49), 4.7461),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("first", "second", "expected"), SHARMA)
def test_ciede2000_matches_the_published_reference_pairs(first, second, expected):
    assert delta_e(first, second) == pytest.approx(expected, abs=5e-5)
    assert delta_e(second, first) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("brand_red", ["#DA291C", "#E4002B", "#CC0000", "#D52B1E"])
def test_a_red_logo_is_offered_the_cranberry_ribbon_before_coral(catalog, brand_red):
    """Pantone 485 C, 185 C and other brand reds; plain distance in CIELAB chose Coral first."""
    assert catalog.colour_name("red") == "Cranberry red" and catalog.colour_name("coral") == "Coral"
    ribbons = suggest_colours([brand_red], catalog)["ribbon_colours"]
    assert ribbons[0] == "red"
    assert "coral" not in ribbons or ribbons.index("red") < ribbons.index("coral")


def test_a_navy_logo_on_the_lid_is_never_offered_a_dark_box(catalog):
    boxes = suggest_colours(NAVY_LOGO, catalog)["box_colours"]
    assert boxes and "navy" not in boxes
    for box in boxes:
        assert (
            contrast_ratio(parse_hex(NAVY_LOGO[0]), parse_hex(catalog.colour_hex(box))) >= LOGO_MIN_CONTRAST
        )
    assert {"black", "forest"}.isdisjoint(boxes)


def test_the_logo_is_checked_against_the_surface_it_is_printed_on(catalog):
    assert contrast_finding(NAVY_LOGO, "lid", "navy", catalog) == (
        "Your navy logo will be hard to see on a Navy lid; "
        "choose a lighter box colour or a logo with a light outline."
    )
    assert contrast_finding(NAVY_LOGO, "lid", "kraft", catalog) is None
    assert contrast_finding(NAVY_LOGO, "card", "navy", catalog) is None  # printed on the cream card
    white = ("#FFFFFF",)
    assert contrast_finding(white, "tag", "navy", catalog) == (
        "Your white logo will be hard to see on the cream gift tag; "
        "print it on the lid or choose a logo with a dark outline."
    )
    assert "choose a darker box colour or a logo with a dark outline" in contrast_finding(
        white, "lid", "white", catalog
    )


def test_legibility_follows_the_main_colour_and_one_threshold():
    assert not legible(("#1F2F4F", "#FFFFFF"), "#1F2F4F")  # a white speck does not save a navy wordmark
    assert legible(("#FFFFFF", "#1F2F4F"), "#1F2F4F")
    assert legible(("not a colour",), "#1F2F4F")
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert lab((255, 255, 255)) == pytest.approx((100.0, 0.0, 0.0), abs=0.01)
