"""The wizard's choices are the vocabulary's terms, in its order and under its labels."""

import pytest

from app.wizard.forms import BrandingForm, DeliveryForm, MessageForm
from configurator.vocabulary import CardSize, CardStyle, Delivery, LogoPlacement, MonogramStyle


@pytest.mark.parametrize(
    ("form", "field", "kind"),
    [
        (BrandingForm, "logo_placement", LogoPlacement),
        (BrandingForm, "monogram_style", MonogramStyle),
        (MessageForm, "card_style", CardStyle),
        (MessageForm, "card_size", CardSize),
        (DeliveryForm, "delivery", Delivery),
    ],
)
def test_choices_come_from_the_vocabulary(app, form, field, kind):
    with app.test_request_context():
        chosen = form(meta={"csrf": False})[field]
    assert [(c.value, c.label) for c in chosen.choices] == [(term.value, term.label) for term in kind]
    assert kind.has(chosen.default)
