"""Flask-WTF forms, one per action; each field's rules live next to it."""

from __future__ import annotations

import functools
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
)

from app.i18n import form_translations
from app.services.production.identities import pseudonyms_in
from configurator.addresses import Address, countries
from configurator.vocabulary import ApiScope, PaymentTerms, TaxStatus, WebhookEvent

MAX_ID = 2**31 - 1
"""The largest id or number a request may carry: INTEGER on PostgreSQL; larger is a 404 or a message, never a 500."""


def radio_options(field: RadioField) -> list[tuple[Markup, str, str]]:
    """Each choice of ``field`` as its ``<input>``, value and label: the HTML WTForms draws, from a table.

    Drawing each option through WTForms' widgets was half of a wizard page's time (the colours
    step has 80 options); the inputs of a field are built once and only the checked one differs.
    """
    choices = [(str(value), str(label), checked) for value, label, checked, _ in field.iter_choices()]
    inputs = _radio_inputs(field.name, field.id, tuple(c[0] for c in choices), bool(field.flags.required))
    return [(inputs[n][checked], value, label) for n, (value, label, checked) in enumerate(choices)]


CHECKED = Markup("checked ")


@functools.lru_cache(maxsize=256)
def _radio_inputs(
    name: str, id_: str, values: tuple[str, ...], required: bool
) -> tuple[tuple[Markup, Markup], ...]:
    """Per value, the unchecked and the checked input, attributes in WTForms' (sorted) order."""
    needed = " required" if required else ""
    drawn = Markup('<input {}id="{}-{}" name="{}"{} type="radio" value="{}">')  # .format escapes
    return tuple(
        (drawn.format("", id_, n, name, needed, value), drawn.format(CHECKED, id_, n, name, needed, value))
        for n, value in enumerate(values)
    )


class QuickSelect(widgets.Select):
    """WTForms' ``<select>``, its options drawn once per list of choices and only the chosen one
    marked: drawing the 250 countries through WTForms' option widget was half the delivery step."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        choices = _plain_choices(field.choices)
        if self.multiple or choices is None or field.coerce is not str:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        for flag in self.validation_attrs:
            if flag not in kwargs and getattr(field.flags, flag, False):
                kwargs[flag] = True
        drawn = _select_options(choices)
        chosen = str(field.data) if field.data is not None else None
        options = (drawn[n][value == chosen] for n, (value, _) in enumerate(choices))
        return Markup("<select {}>{}</select>").format(
            Markup(widgets.html_params(name=field.name, **kwargs)),  # noqa: S704 - html_params escapes each value
            Markup("".join(options)),  # noqa: S704 - every option is Markup already
        )


def _plain_choices(choices: Any) -> tuple[tuple[str, str], ...] | None:
    """``(value, label)`` pairs of a flat list of choices; None for groups or per-option attributes."""
    if not isinstance(choices, list):
        return None
    plain = []
    for choice in choices:
        if isinstance(choice, SelectChoice):
            if choice.render_kw or choice.optgroup is not None:
                return None
            plain.append((str(choice.value), str(choice.label)))
        elif isinstance(choice, tuple) and len(choice) == 2:
            plain.append((str(choice[0]), str(choice[1])))
        else:
            return None
    return tuple(plain)


@functools.lru_cache(maxsize=64)
def _select_options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[Markup, Markup], ...]:
    """Per choice, its option unselected and selected, as WTForms draws them."""
    drawn = Markup('<option {}value="{}">{}</option>')  # .format escapes
    return tuple(
        (drawn.format("", value, label), drawn.format(Markup("selected "), value, label))
        for value, label in choices
    )


def parse_id(text: str | None) -> int | None:
    """A positive whole number written in ASCII digits and within range, else None.

    ``str.isdigit`` also accepts "²" or "٣", on which ``int()`` fails or surprises.
    """
    text = (text or "").strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class Form(FlaskForm):
    """Every form of the service: WTForms' own messages come from a catalog loaded once per process.

    (Flask-WTF loads and parses the catalog file again in every request that renders a form.)
    """

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            return form_translations()


class BuyerVisibleText:
    """Mixin for staff forms whose free text reaches buyers verbatim (carrier, tracking, reasons).

    Buyers must never learn a maker's name. Before such text is saved, :meth:`names_a_maker`
    puts a warning at each field that contains a maker's pseudonym; the form comes back with
    everything typed and a "Save anyway" box for the text that only looks like a name
    ("River Freight Ltd").
    """

    buyer_text_fields: tuple[str, ...] = ()
    save_anyway = BooleanField("Save anyway: this text does not name one of our makers")

    def names_a_maker(self) -> bool:
        """True when the form must come back to staff with a warning instead of being saved."""
        self.maker_warning = False
        if self.save_anyway.data:
            return False
        for name in self.buyer_text_fields:
            field = self[name]
            if found := pseudonyms_in(field.data or ""):
                names = " and ".join(f"“{n}”" for n in found)
                noun = "is a maker's pseudonym" if len(found) == 1 else "are makers' pseudonyms"
                field.errors = [
                    *field.errors,
                    f"{names} {noun}, and buyers read this text. Remove the name, "
                    "or tick “Save anyway” if it means something else.",
                ]
                self.maker_warning = True
        return self.maker_warning


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired("Enter your email.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    next = HiddenField()


class DecisionForm(BuyerVisibleText, Form):
    buyer_text_fields = ("comment",)
    version = HiddenField(validators=[DataRequired()])
    decision = HiddenField(validators=[DataRequired()])
    comment = TextAreaField(
        "Comment", validators=[Length(max=2000, message="Keep comments under 2000 characters.")]
    )


class ActionForm(Form):
    """A bare button form: CSRF only."""


class CancelForm(Form):
    """Cancelling an order: the service checks the reason (required) and says what is wrong at the field."""

    reason = TextAreaField("Why is the order cancelled?", validators=[Length(max=2000)])


class StaffCancelForm(BuyerVisibleText, CancelForm):
    """Staff's reason reaches the buyer (the e-mail, the credit note)."""

    buyer_text_fields = ("reason",)


class JobForm(Form):
    token = HiddenField(validators=[DataRequired()])
    quantity_done = IntegerField(
        "How many are done?", validators=[Optional(), NumberRange(min=0, max=MAX_ID)]
    )
    problem = StringField("What is the problem?", validators=[Length(max=1000)])


# --- Accounts and the organisation ---------------------------------------------------------------


class ThresholdForm(Form):
    threshold = StringField("Approver needed for orders above ($)", validators=[Length(max=20)])


class InviteForm(Form):
    email = EmailField("Colleague's email", validators=[DataRequired("Enter their email.")])
    role = HiddenField()
    """A radio group drawn from ``MEMBER_ROLES`` in the template; the service checks the value."""


BILLING_ADDRESS_FIELDS = ("country", "company", "street", "city", "city_area", "region", "postal_code")
"""The billing form's fields that make up the address (:class:`configurator.addresses.Address`)."""


class BillingForm(Form):
    """Where invoices go and how the organisation pays; the service checks every value."""

    contact_name = StringField("Billing contact")
    contact_email = EmailField("Billing contact's email")
    country = SelectField(
        "Country",
        choices=[SelectChoice("", "Choose a country"), *(SelectChoice(c, n) for c, n in countries())],
        validate_choice=False,
        widget=QuickSelect(),
    )
    company = StringField("Company name on invoices")
    street = TextAreaField("Street address")
    city_area = StringField("Suburb or district (optional)")
    city = StringField("City")
    region = StringField("State, province or region")
    postal_code = StringField("Postal code")
    tax_status = RadioField(
        "Sales tax", choices=[SelectChoice(t.value, t.label) for t in TaxStatus], validate_choice=False
    )
    tax_certificate = StringField("Exemption certificate number")
    payment_terms = RadioField(
        "Payment terms", choices=[SelectChoice(t.value, t.label) for t in PaymentTerms], validate_choice=False
    )
    po_required = BooleanField("Every order needs a purchase order (PO) number")

    def address(self) -> Address:
        return Address(**{name: self[name].data or "" for name in BILLING_ADDRESS_FIELDS})


class ApiTokenForm(Form):
    name = StringField("Name", validators=[DataRequired("Name the token."), Length(max=80)])
    scopes = SelectMultipleField("It may", choices=[SelectChoice(s.value, s.label) for s in ApiScope])
    """Checkboxes drawn from ``ApiScope`` in the template; the service checks the values."""


class WebhookForm(Form):
    url = StringField("Address (URL)", validators=[DataRequired("Enter the address of your receiver.")])
    events = SelectMultipleField("Send", choices=[SelectChoice(e.value, e.label) for e in WebhookEvent])
    """Checkboxes drawn from ``WebhookEvent`` in the template; the service checks the values."""


class WebhookSwitchForm(Form):
    enabled = HiddenField(validators=[DataRequired()])
    """``on`` or ``off``: what the button the admin pressed asks for."""


class MemberForm(Form):
    """A change to one member, carrying the role the admin saw (the service acts only on that)."""

    seen_role = HiddenField(validators=[DataRequired()])
    role = HiddenField()


class JoinForm(Form):
    display_name = StringField(
        "Your name",
        validators=[DataRequired("Enter your name."), Length(max=120, message="At most 120 characters.")],
    )
    password = PasswordField("Choose a password", validators=[DataRequired("Choose a password.")])


class ResetRequestForm(Form):
    email = EmailField("Email", validators=[DataRequired("Enter your email.")])


class NewPasswordForm(Form):
    new_password = PasswordField("New password", validators=[DataRequired("Choose a new password.")])


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
    new_password = PasswordField("New password", validators=[DataRequired("Choose a new password.")])


class DesignNameForm(Form):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Give the design a name."),
            Length(max=120, message="At most 120 characters."),
        ],
    )
    seen_name = HiddenField()


class RecipientForm(Form):
    """One recipient, typed in or fixed inline; the checks (address, card fit, duplicates) are the service's."""

    version = HiddenField()
    name = StringField("Name")
    company = StringField("Company (optional)")
    email = EmailField("E-mail (optional)")
    phone = StringField("Phone (optional)")
    street = TextAreaField("Street address")
    city = StringField("City")
    city_area = StringField("District (if the country uses one)")
    region = StringField("State or region")
    postal_code = StringField("Postal code")
    country = StringField("Country (name or two-letter code)")
    card_name = StringField("Name on the card")
    message = TextAreaField("Their own message (optional: otherwise the design's message)")


class UploadForm(Form):
    file = FileField("Your list (CSV or Excel .xlsx, up to 5,000 rows)")
