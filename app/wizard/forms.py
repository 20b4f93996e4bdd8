"""One Flask-WTF form per wizard step; each field's rules sit next to it."""

from __future__ import annotations

import functools
import unicodedata
from datetime import UTC, datetime
from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import Form, QuickSelect
from configurator.addresses import Address, check_address, countries
from configurator.catalog import load_catalog
from configurator.rules import (
    MAX_BOXES,
    MAX_ITEM_QUANTITY,
    MESSAGE_MAX_CHARS,
    MIN_BOXES,
    SIGN_OFF_MAX_CHARS,
    normalise_text,
)
from configurator.text import hidden_characters_message
from configurator.vocabulary import CardSize, CardStyle, Delivery, LogoPlacement, MonogramStyle, Term
from proofs.card_fit import fit_message


def options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def terms(kind: type[Term]) -> list[SelectChoice]:
    """One choice per term of the vocabulary, in its order, under its label."""
    return options([(term, term.label) for term in kind])


LOGO_WIDTHS = options([(f"{w:.1f}", f"{w:g} in ({w * 25.4:.0f} mm)") for w in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0)])


def refuse_hidden_characters(text: str, what: str, *, single_line: bool) -> None:
    """Say at the field which invisible character was typed where (the rule is configurator.text's)."""
    if problem := hidden_characters_message(normalise_text(text), what, single_line=single_line):
        raise ValidationError(problem)


class StepForm(Form):
    revision = HiddenField(validators=[DataRequired()])
    nav = HiddenField()  # which button was pressed: next, back, save or a step slug


@functools.cache
def contents_form() -> type[StepForm]:
    """A quantity field per product, built once from the catalog."""
    catalog = load_catalog()

    class ContentsForm(StepForm):
        box_size = RadioField(
            "Box size",
            choices=options(
                [(b.id, f"{b.name} · holds {b.capacity} slots") for b in catalog.box_sizes.values()]
            ),
            validators=[InputRequired("Choose a box size.")],
        )

    for product in catalog.products.values():
        field = IntegerField(
            product.name,
            default=0,
            validators=[
                Optional(),
                NumberRange(0, MAX_ITEM_QUANTITY, f"Choose between 0 and {MAX_ITEM_QUANTITY}."),
            ],
        )
        setattr(ContentsForm, f"qty_{product.id}", field)
    return ContentsForm


@functools.cache
def colours_form() -> type[StepForm]:
    """Swatch choices for the box, ribbon, tissue and each product's own palette."""
    catalog = load_catalog()

    def choices(ids: tuple[str, ...]) -> list[SelectChoice]:
        return options([(c, catalog.colour_name(c)) for c in ids])

    class ColoursForm(StepForm):
        box_colour = RadioField(
            "Box", choices=choices(catalog.box_colours), validators=[InputRequired("Choose a box colour.")]
        )
        ribbon_colour = RadioField(
            "Ribbon",
            choices=choices(catalog.ribbon_colours),
            validators=[InputRequired("Choose a ribbon colour.")],
        )
        tissue_colour = RadioField(
            "Tissue paper",
            choices=choices(catalog.tissue_colours),
            validators=[InputRequired("Choose a tissue colour.")],
        )

    for product in catalog.products.values():
        # The rules explain a colour a product is not made in better than "Not a valid choice".
        field = RadioField(
            product.name, choices=choices(product.colours), validators=[Optional()], validate_choice=False
        )
        setattr(ColoursForm, f"colour_{product.id}", field)
    return ColoursForm


class BrandingForm(StepForm):
    logo = FileField("Logo file (PNG, JPEG or SVG, up to 10 MB)")
    logo_placement = RadioField(
        "Where the logo goes", choices=terms(LogoPlacement), default=LogoPlacement.LID
    )
    logo_width_in = SelectField("Printed logo width", choices=LOGO_WIDTHS, default="2.0")
    monogram = StringField(
        "Initials or monogram (1 to 3 letters, optional)",
        validators=[Length(max=3, message="Use at most 3 letters.")],
    )
    monogram_style = RadioField("Monogram style", choices=terms(MonogramStyle), default=MonogramStyle.SERIF)

    def validate_monogram(self, field: StringField) -> None:
        refuse_hidden_characters(field.data or "", "monogram", single_line=True)
        value = unicodedata.normalize("NFC", (field.data or "").strip())
        if value and not all(ch.isalpha() for ch in value):
            raise ValidationError("Use letters only, for example AB or ÉM.")


class MessageForm(StepForm):
    card_style = RadioField("Card style", choices=terms(CardStyle), default=CardStyle.CLASSIC)
    card_size = RadioField("Card size", choices=terms(CardSize), default=CardSize.FIVE_BY_SEVEN)
    message = TextAreaField("Message on the card")
    sign_off = StringField(
        "Sign-off",
        validators=[
            Length(max=SIGN_OFF_MAX_CHARS, message=f"Keep the sign-off to {SIGN_OFF_MAX_CHARS} characters.")
        ],
    )

    def validate_sign_off(self, field: StringField) -> None:
        refuse_hidden_characters(field.data or "", "sign-off", single_line=True)

    def validate_message(self, field: TextAreaField) -> None:
        refuse_hidden_characters(field.data or "", "message", single_line=False)
        text = normalise_text(field.data or "")
        if len(text) > MESSAGE_MAX_CHARS:
            raise ValidationError(
                f"Your message is {len(text) - MESSAGE_MAX_CHARS} characters too long; cards hold {MESSAGE_MAX_CHARS} characters."
            )
        if self.card_size.errors:  # validated first: the size field says what is wrong with it
            return
        fit = fit_message(text, self.card_size.data or CardSize.FIVE_BY_SEVEN)
        if not fit.fits:
            raise ValidationError(fit.message)


def _country_choices() -> list[SelectChoice]:
    return options([("", "Choose a country"), *countries()])


class DeliveryForm(StepForm):
    """Quantity, date and where the boxes go; the address is checked as its country writes it.

    The address fields count only when the delivery sends boxes to an address (bulk, split);
    a problem that stops delivery is an error at its field, a doubt is a warning beside it
    (``address_warnings``), and the address is saved with it. A bulk delivery may be saved with
    the address left empty (the venue is often not known yet); a split needs it, since the
    address carries how many boxes go there.
    """

    quantity = IntegerField(
        "Number of boxes",
        validators=[
            InputRequired("Enter how many boxes you need."),
            NumberRange(MIN_BOXES, MAX_BOXES, f"Choose between {MIN_BOXES} and {MAX_BOXES} boxes."),
        ],
    )
    needed_by = DateField("Needed by (optional)", validators=[Optional()])
    delivery = RadioField("Where the boxes go", choices=terms(Delivery), default=Delivery.BULK)
    office_boxes = IntegerField(
        "Boxes to this address",
        validators=[Optional(), NumberRange(1, MAX_BOXES, f"Choose between 1 and {MAX_BOXES} boxes.")],
    )
    country = SelectField(
        "Country", choices=_country_choices(), default="US", validate_choice=False, widget=QuickSelect()
    )
    name = StringField("Contact name")
    company = StringField("Company (optional)")
    street = TextAreaField("Street address")
    city_area = StringField("Suburb or district (optional)")
    city = StringField("City")
    region = StringField("State")
    postal_code = StringField("ZIP code")
    phone = StringField("Phone")
    instructions = TextAreaField("Delivery instructions (optional)")
    hours = StringField("Dock or reception hours (optional)")

    address_warnings: dict[str, str]

    def validate_needed_by(self, field: DateField) -> None:
        if field.data and field.data <= datetime.now(UTC).date():
            raise ValidationError("Choose a date after today.")

    @property
    def kind(self) -> Delivery:
        return Delivery(self.delivery.data) if Delivery.has(self.delivery.data) else Delivery.BULK

    def address(self) -> Address:
        """What was typed, as the plain value the address rules take."""
        return Address(**{name: self[name].data or "" for name in ADDRESS_FORM_FIELDS})

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        self.address_warnings = {}
        if not self.kind.to_address or (self.address().is_blank() and not self.kind.to_recipients):
            return ok  # a bulk delivery may be saved before the address is known
        checked = check_address(self.address())
        for name, message in checked.errors.items():
            self[name].errors = [*self[name].errors, message]
        self.address_warnings = dict(checked.warnings)
        if self.kind.to_recipients and self.quantity.data and not self.office_boxes.errors:
            boxes, total = self.office_boxes.data, self.quantity.data
            if boxes is None or not 1 <= boxes < total:
                self.office_boxes.errors = [
                    f"Enter how many of the {total} boxes go to this address (1 to {max(total - 1, 1)}); the rest go to their recipients."
                ]
        return ok and not checked.errors and not self.office_boxes.errors


ADDRESS_FORM_FIELDS = (
    "country",
    "name",
    "company",
    "street",
    "city",
    "city_area",
    "region",
    "postal_code",
    "phone",
    "instructions",
    "hours",
)
"""The delivery step's fields that make up the address (:class:`configurator.addresses.Address`)."""


class ReviewForm(StepForm):
    """The order's references for the buyer's accounts; ``configurator.billing`` checks them."""

    po_number = StringField("Purchase order (PO) number")
    cost_centre = StringField("Cost centre or note for your accounts (optional)")
