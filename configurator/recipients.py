"""A design's recipients: one person each, their address, the name on their card and its message.

Pure: plain text in, a verdict out. A buyer's list arrives as rows of cells (typed in, or read
from a CSV or ``.xlsx`` by :mod:`configurator.spreadsheet`); :func:`guess_mapping` says which
column is which field from the header names, :func:`check_recipient` finds every problem of a
row at its field, :func:`duplicates` finds the same person twice, and :func:`card_message`
fills the design's ``{first_name}``-style placeholders for recipients without their own message.

Whether a card's text fits is measured with real fonts (``proofs.card_fit``), which this room
may not import: callers pass the same fit check the wizard uses as a :data:`FitCheck`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType

from email_validator import EmailNotValidError, validate_email

from configurator.addresses import LIMITS, Address, check_address, countries, country_names
from configurator.text import hidden_characters_message

MAX_RECIPIENTS = 5000
"""Recipients per design at most (the most boxes an order takes, ``rules.MAX_BOXES``)."""
CARD_NAME_MAX = 60
"""Longest name on a card, in characters: one line at the card's type size."""
EMAIL_MAX = 254
MESSAGE_MAX = 400
"""The card holds as much as the design's own message (``rules.MESSAGE_MAX_CHARS``)."""

FIELDS = (
    "name",
    "company",
    "email",
    "phone",
    "street",
    "city",
    "city_area",
    "region",
    "postal_code",
    "country",
    "card_name",
    "message",
)
"""A recipient's fields in the order forms and exports show them."""
NAME_PARTS = ("first_name", "last_name")
"""Columns a sheet may split the name into; they are joined into ``name``."""
TARGETS = (*FIELDS[:1], *NAME_PARTS, *FIELDS[1:])
"""What a column can be mapped to (besides being left out)."""
LABELS: Mapping[str, str] = MappingProxyType(
    {
        "name": "Name",
        "first_name": "First name",
        "last_name": "Last name",
        "company": "Company",
        "email": "E-mail",
        "phone": "Phone",
        "street": "Street address",
        "city": "City",
        "city_area": "District",
        "region": "State or region",
        "postal_code": "Postal code",
        "country": "Country",
        "card_name": "Name on the card",
        "message": "Own message",
        "row": "Row",
    }
)
TEXT_LIMITS: Mapping[str, int] = MappingProxyType(
    {**{k: LIMITS[k] for k in FIELDS if k in LIMITS}, "email": EMAIL_MAX, "card_name": CARD_NAME_MAX}
)
PLACEHOLDERS = ("first_name", "last_name", "name", "company")

FitCheck = Callable[[str, str], str | None]
"""(name on the card, message) -> why it does not fit the card, or None when it fits."""


@dataclass(frozen=True)
class Recipient:
    """One person who receives a box; every field is plain text (``country`` an ISO code)."""

    name: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    city: str = ""
    city_area: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    card_name: str = ""
    """The name printed on their card (empty: the card has no name line)."""
    message: str = ""
    """Their own message; empty means the design's message with placeholders filled in."""

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def address(self) -> Address:
        return Address(
            country=self.country,
            name=self.name,
            company=self.company,
            street=self.street,
            city=self.city,
            city_area=self.city_area,
            region=self.region,
            postal_code=self.postal_code,
            phone=self.phone,
        )

    def is_blank(self) -> bool:
        return not any(v.strip() for v in self.as_dict().values())

    @property
    def first_name(self) -> str:
        return split_name(self.name)[0]

    @property
    def last_name(self) -> str:
        return split_name(self.name)[1]


def split_name(name: str) -> tuple[str, str]:
    """(first, last) of a full name: the last word is the last name ("Mary Ann Lee" → "Mary Ann", "Lee")."""
    words = name.split()
    if len(words) < 2:
        return (words[0] if words else "", "")
    return " ".join(words[:-1]), words[-1]


# --- Which column is which ---------------------------------------------------------------

_SYNONYMS: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(["name", "fullname", "recipient", "recipientname", "contact", "contactname"], "name"),
        **dict.fromkeys(["firstname", "first", "givenname", "forename", "vorname", "prenom"], "first_name"),
        **dict.fromkeys(["lastname", "last", "surname", "familyname", "nachname", "nom"], "last_name"),
        **dict.fromkeys(
            ["company", "companyname", "organisation", "organization", "firma", "employer"], "company"
        ),
        **dict.fromkeys(["email", "emailaddress", "mail", "e-mail"], "email"),
        **dict.fromkeys(
            ["phone", "phonenumber", "telephone", "tel", "mobile", "cell", "mobilephone"], "phone"
        ),
        **dict.fromkeys(
            [
                "street",
                "streetaddress",
                "address",
                "address1",
                "addressline1",
                "addressline",
                "line1",
                "strasse",
            ],
            "street",
        ),
        **dict.fromkeys(["city", "town", "posttown", "locality", "ort", "ville"], "city"),
        **dict.fromkeys(["district", "cityarea", "suburb", "neighbourhood", "neighborhood"], "city_area"),
        **dict.fromkeys(
            ["state", "region", "province", "county", "stateprovince", "stateorprovince", "countryarea"],
            "region",
        ),
        **dict.fromkeys(
            [
                "zip",
                "zipcode",
                "postcode",
                "postalcode",
                "postal",
                "plz",
                "pincode",
                "eircode",
                "zippostalcode",
            ],
            "postal_code",
        ),
        **dict.fromkeys(["country", "countrycode", "countryname", "land", "pays", "iso"], "country"),
        **dict.fromkeys(["cardname", "nameoncard", "cardtitle", "greetingname", "salutation"], "card_name"),
        **dict.fromkeys(
            ["message", "cardmessage", "ownmessage", "personalmessage", "note", "greeting"], "message"
        ),
    }
)


def _header_key(header: str) -> str:
    folded = unicodedata.normalize("NFKD", header).casefold()
    return "".join(c for c in folded if c.isalnum())


def guess_mapping(headers: Sequence[str]) -> dict[int, str]:
    """Column index → field, from the header names; each field at most once (the first column wins)."""
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        target = _SYNONYMS.get(_header_key(header))
        if target and target not in mapping.values():
            mapping[index] = target
    return mapping


def _country_code(value: str) -> str:
    """An ISO code from a code or a country's name ("us", "United States", "Deutschland" stays as typed)."""
    text = " ".join(value.split())
    if text.upper() in country_names():
        return text.upper()
    wanted = text.casefold()
    for code, name in countries():
        if name.casefold() == wanted:
            return code
    return text


def recipient_from_row(cells: Sequence[str], mapping: Mapping[int, str]) -> Recipient:
    """The recipient a row of cells means under ``mapping`` (columns beyond the row read as empty)."""
    values: dict[str, str] = {}
    for index, target in mapping.items():
        if target not in TARGETS:
            continue
        cell = cells[index] if index < len(cells) else ""
        values[target] = cell or ""
    first, last = values.pop("first_name", ""), values.pop("last_name", "")
    if (first or last) and not values.get("name", "").strip():
        values["name"] = " ".join(f"{first} {last}".split())
    values["country"] = _country_code(values.get("country", ""))
    return Recipient(**values)


# --- Checking one recipient ---------------------------------------------------------------


@dataclass(frozen=True)
class RecipientCheck:
    recipient: Recipient
    """As it will be stored: trimmed, postal code, region and phone in the country's form."""
    errors: Mapping[str, str] = field(default_factory=dict)
    warnings: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean(recipient: Recipient) -> Recipient:
    values = {}
    for name, value in recipient.as_dict().items():
        if name in ("street", "message"):
            lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
            values[name] = "\n".join(line for line in lines if line)
        else:
            values[name] = " ".join(value.split())
    values["country"] = _country_code(values["country"])
    return Recipient(**values)


def check_email(text: str) -> tuple[str, str | None]:
    """(the address as stored, a problem): an e-mail is optional, but one typed must be deliverable syntax."""
    if not text:
        return "", None
    try:
        found = validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        return text, f"This is not an e-mail address: {exc}"
    return found.normalized.lower(), None


def check_recipient(
    recipient: Recipient, fits: FitCheck, design_message: str = "", *, phone_required: bool = False
) -> RecipientCheck:
    """Every problem of one recipient at its field: the address as its country writes it, the
    e-mail, the card name's length, and whether their card (own message, or the design's filled
    in) fits the card as the wizard measures it."""
    recipient = _clean(recipient)
    if recipient.is_blank():
        return RecipientCheck(recipient, MappingProxyType({"row": "This row is empty."}))
    checked = check_address(recipient.address(), phone_required=phone_required)
    address = checked.address
    recipient = replace(
        recipient,
        **{k: getattr(address, k) for k in ("country", "region", "postal_code", "phone", "street", "city")},
    )
    errors = {k: v for k, v in checked.errors.items() if k in FIELDS}
    warnings = {k: v for k, v in checked.warnings.items() if k in FIELDS}
    email, problem = check_email(recipient.email)
    recipient = replace(recipient, email=email)
    if problem:
        errors["email"] = problem
    for name in ("email", "card_name", "message"):
        value = getattr(recipient, name)
        limit = MESSAGE_MAX if name == "message" else TEXT_LIMITS[name]
        what = LABELS[name].lower()
        if len(value) > limit:
            errors.setdefault(name, f"Keep the {what} to {limit} characters (it has {len(value)}).")
        elif hidden := hidden_characters_message(value, what, single_line=name != "message"):
            errors.setdefault(name, hidden)
    message, problem = card_message(recipient, design_message)
    if problem:
        errors.setdefault("message", problem)
    elif (
        "card_name" not in errors
        and "message" not in errors
        and (too_long := fits(recipient.card_name, message))
    ):
        errors["message"] = too_long
    return RecipientCheck(recipient, MappingProxyType(errors), MappingProxyType(warnings))


# --- The same person twice ----------------------------------------------------------------


def _person_key(recipient: Recipient) -> tuple[str, ...] | None:
    name = _fold(recipient.name)
    if not name or not _fold(recipient.street):
        return None
    return (name, *(_fold(getattr(recipient, k)) for k in ("street", "city", "postal_code", "country")))


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def duplicates(recipients: Iterable[Recipient]) -> dict[int, int]:
    """Position → the earlier position it repeats: the same name at the same address, or the same e-mail."""
    seen_person: dict[tuple[str, ...], int] = {}
    seen_email: dict[str, int] = {}
    found: dict[int, int] = {}
    for position, recipient in enumerate(recipients):
        person, email = _person_key(recipient), _fold(recipient.email)
        earlier = seen_person.get(person) if person else None
        if earlier is None and email:
            earlier = seen_email.get(email)
        if earlier is not None:
            found[position] = earlier
            continue
        if person:
            seen_person[person] = position
        if email:
            seen_email[email] = position
    return found


# --- The message on their card ------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def card_message(recipient: Recipient, design_message: str) -> tuple[str, str | None]:
    """(the message on their card, a problem): their own message as typed, or the design's with
    ``{first_name}``, ``{last_name}``, ``{name}`` and ``{company}`` filled in. An unknown
    placeholder stays as typed and is a problem to fix, never a crash."""
    if recipient.message:
        return recipient.message, None
    values = {
        "first_name": recipient.first_name,
        "last_name": recipient.last_name,
        "name": recipient.name,
        "company": recipient.company,
    }
    unknown: list[str] = []

    def fill(match: re.Match[str]) -> str:
        key = match[1].strip()
        if key in values:
            return values[key]
        unknown.append(match[0])
        return match[0]

    text = _PLACEHOLDER.sub(fill, design_message)
    if unknown:
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        return text, (
            f"The design's message has a placeholder we cannot fill: {unknown[0]}. "
            f"Use {known}, or give this recipient their own message."
        )
    return text, None
