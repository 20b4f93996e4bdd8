"""Addresses checked as each country writes them: errors stop, doubts warn, nothing raises."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from configurator.addresses import (
    ADDRESS_FIELDS,
    LIMITS,
    Address,
    check_address,
    check_phone,
    countries,
    label_lines,
    layout,
)

OFFICE = Address(
    country="US",
    name="Sam Rivera",
    company="Acme Events",
    street="350 Fifth Avenue\nSuite 2100",
    city="New York",
    region="NY",
    postal_code="10118",
    phone="212 736 3100",
)
FIELDS = {*ADDRESS_FIELDS, "country", "phone", "instructions", "hours"}


def with_(**changes: str) -> Address:
    return Address(**{**OFFICE.as_dict(), **changes})


def test_a_good_office_address_passes_and_is_stored_in_its_country_form():
    checked = check_address(with_(region="new york", country="us", phone=" 212  736 3100 "))
    assert checked.ok and not checked.warnings
    assert checked.address.country == "US" and checked.address.region == "NY"
    assert checked.address.phone == "+1 212-736-3100"


@pytest.mark.parametrize("postal_code", ["1011", "ABCDE", "10118-12", "101 18"])
def test_a_postal_code_of_the_wrong_shape_is_an_error_at_its_field_with_an_example(postal_code):
    checked = check_address(with_(postal_code=postal_code))
    assert set(checked.errors) == {"postal_code"}
    assert "not a ZIP code of United States" in checked.errors["postal_code"]
    assert "For example: 95014" in checked.errors["postal_code"]


def test_a_zip_code_of_another_state_is_a_warning_not_a_refusal():
    checked = check_address(with_(postal_code="94043"))  # Mountain View, California
    assert checked.ok
    assert checked.warnings == {"postal_code": "94043 is not usually a ZIP code of New York: check both."}


def test_a_state_the_country_does_not_have_is_an_error():
    checked = check_address(with_(region="Narnia"))
    assert checked.errors == {"region": "Choose a state of United States from the list."}


def test_each_country_requires_its_own_fields():
    assert check_address(Address(country="GB", name="Jo", street="10 Downing St")).errors == {
        "city": "Enter the town.",
        "postal_code": "Enter the postal code.",
        "phone": "Enter a phone number the carrier can call.",
    }
    irish = check_address(
        Address(country="IE", name="Áine", street="1 Main St", city="Cork", phone="021 427 0000")
    )
    assert irish.ok  # an Eircode is not required


def test_labels_follow_the_country():
    assert layout("US").labels["region"] == "State" and layout("US").labels["postal_code"] == "ZIP code"
    assert layout("IE").labels["postal_code"] == "Eircode"
    assert layout("GB").labels["city"] == "Town"
    assert ("NY", "New York") in layout("US").regions


def test_a_city_the_data_does_not_list_is_a_warning():
    checked = check_address(
        Address(
            country="CN",
            name="王芳",
            street="长江路 1 号",
            region="Anhui Sheng",
            city="Atlantis",
            postal_code="230000",
            phone="+86 551 6512 3456",
        )
    )
    assert checked.ok and set(checked.warnings) == {"city"}
    assert checked.address.region == "安徽省"


def test_phones():
    assert check_phone("", "US") == ("", "Enter a phone number the carrier can call.", "")
    assert check_phone("", "US", required=False) == ("", "", "")
    assert check_phone("call Sam", "US")[1].startswith("This does not look like a phone number")
    assert check_phone("12", "US")[1] == "This phone number has too few or too many digits."
    number, error, warning = check_phone("+44 20 7946 0958", "US")
    assert number == "+44 20 7946 0958" and not error
    assert warning.startswith("This is a phone number of United Kingdom, not of United States")
    assert check_phone("020 7946 0958", "GB") == ("+44 20 7946 0958", "", "")


def test_hidden_characters_and_overlong_text_are_errors():
    checked = check_address(with_(name="Sam\u202eRivera", hours="x" * (LIMITS["hours"] + 1)))
    assert set(checked.errors) == {"name", "hours"}


def test_the_label_is_written_as_the_country_writes_it():
    assert label_lines(check_address(OFFICE).address) == (
        "Sam Rivera",
        "Acme Events",
        "350 Fifth Avenue",
        "Suite 2100",
        "NEW YORK, NY 10118",
        "United States",
    )
    japan = label_lines(
        Address(
            country="JP",
            name="田中",
            street="丸の内1-1",
            city="千代田区",
            region="東京都",
            postal_code="100-0005",
        )
    )
    assert japan[0].startswith("〒100-0005") and japan[-1] == "Japan"


def test_no_country_is_an_error_at_the_country():
    assert check_address(with_(country="")).errors == {"country": "Choose the country."}
    assert check_address(with_(country="XX")).errors == {"country": "Choose a country from the list."}


text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
addresses = st.builds(
    Address,
    country=st.sampled_from([code for code, _ in countries()] + ["", "xx", "us"]),
    name=text,
    company=text,
    street=text,
    city=text,
    city_area=text,
    region=text,
    postal_code=text,
    phone=text,
    instructions=text,
    hours=text,
)


@given(addresses)
def test_any_input_gets_a_verdict_by_field_and_never_an_exception(address):
    checked = check_address(address)
    assert set(checked.errors) <= FIELDS and set(checked.warnings) <= FIELDS
    assert not set(checked.errors) & set(checked.warnings)  # one word per field


@given(addresses)
def test_checking_what_was_stored_finds_it_unchanged(address):
    """Normalising is idempotent: an address saved once reads back the same and as good."""
    first = check_address(address)
    again = check_address(first.address)
    assert again.address == first.address
    if first.ok:
        assert again.ok


@given(st.sampled_from(countries()))
def test_every_countrys_own_postal_example_passes_its_format(country):
    code, _ = country
    shape = layout(code)
    if shape.postal_example and "postal_code" in shape.used:
        checked = check_address(Address(country=code, postal_code=shape.postal_example))
        assert "postal_code" not in checked.errors


def test_a_region_or_city_without_its_last_word_is_known_when_only_one_fits():
    hefei = check_address(
        Address(
            country="CN",
            name="王芳",
            street="长江路 1 号",
            region="Anhui",
            city="Hefei",
            postal_code="230000",
            phone="+86 551 6512 3456",
        )
    )
    assert hefei.ok and not hefei.warnings and hefei.address.region == "安徽省"
    assert set(check_address(with_(region="New")).errors) == {"region"}  # York? Jersey? Mexico?
