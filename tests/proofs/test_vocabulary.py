"""The renderers draw every term of the vocabulary and refuse anything else (no silent default)."""

import pytest
from PIL import Image

from configurator.vocabulary import CardSize, CardStyle, LogoPlacement, MonogramStyle
from proofs.card import render_card
from proofs.card_fit import LAYOUTS, fit_message
from proofs.logo import contrast_finding, suggest_colours
from proofs.mockup import compose, monogram_badge
from tests.proofs.conftest import make_spec, render_pdf

SMALL = (160, 120)
LOGO = Image.new("RGBA", (60, 30), (20, 40, 90, 255))


@pytest.mark.parametrize(
    "changes",
    [
        *({"logo_placement": p} for p in LogoPlacement),
        *({"card_style": s} for s in CardStyle),
        *({"monogram_style": s} for s in MonogramStyle),
    ],
    ids=lambda changes: next(iter(changes.values())),
)
def test_the_mockup_draws_every_term(catalog, changes):
    image = compose(make_spec(catalog, monogram="AB", **changes), catalog, SMALL, LOGO)
    assert image.size == SMALL


@pytest.mark.parametrize("field", ["logo_placement", "card_style", "monogram_style"])
def test_the_mockup_refuses_an_unknown_term(catalog, field):
    with pytest.raises(ValueError, match="not a valid"):
        compose(make_spec(catalog, monogram="AB", **{field: "neon"}), catalog, SMALL, LOGO)


def test_every_card_size_has_a_layout_and_an_unknown_one_is_refused():
    assert set(LAYOUTS) == set(CardSize)
    assert all(fit_message("Thank you", size).fits for size in CardSize)
    with pytest.raises(ValueError, match="not a valid CardSize"):
        fit_message("Thank you", "3x5")


def test_card_and_monogram_drawings_refuse_unknown_styles():
    with pytest.raises(ValueError, match="not a valid CardStyle"):
        render_card("Hi", "", (0, 0, 0), 0.2, style="neon")
    with pytest.raises(ValueError, match="not a valid MonogramStyle"):
        monogram_badge("AB", "gothic", (0, 0, 0), 32)


def test_logo_colour_advice_refuses_an_unknown_placement(catalog):
    with pytest.raises(ValueError, match="not a valid LogoPlacement"):
        suggest_colours(["#1F7A7A"], catalog, placement="ribbon")
    with pytest.raises(ValueError, match="not a valid LogoPlacement"):
        contrast_finding(["#FFFFFF"], "ribbon", "kraft", catalog)


@pytest.mark.parametrize(("field", "kind"), [("card_size", "CardSize"), ("delivery", "Delivery")])
def test_the_proof_pdf_refuses_an_unknown_term(catalog, field, kind):
    with pytest.raises(ValueError, match=f"not a valid {kind}"):
        render_pdf(catalog, make_spec(catalog, **{field: "other"}))
