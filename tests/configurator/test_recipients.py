"""The recipient rules: column guesses, checks at the field, duplicates, placeholders."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from configurator.recipients import (
    CARD_NAME_MAX,
    FIELDS,
    MAX_RECIPIENTS,
    TARGETS,
    Recipient,
    card_message,
    check_recipient,
    duplicates,
    guess_mapping,
    recipient_from_row,
)


def always_fits(name: str, message: str) -> str | None:
    return None


def never_fits(name: str, message: str) -> str | None:
    return "Too long for the card by about 2 lines."


JANE = Recipient(
    name="Jane Doe",
    company="Acme",
    email="Jane@Example.com",
    phone="+1 212 555 0100",
    street="1 Main St",
    city="New York",
    region="NY",
    postal_code="10001",
    country="US",
    card_name="Jane",
)


def test_the_cap_is_the_most_boxes_an_order_takes() -> None:
    from configurator.rules import MAX_BOXES

    assert MAX_RECIPIENTS == MAX_BOXES


def test_common_headers_are_guessed() -> None:
    headers = ["First name", "Last name", "E-mail", "Company", "Address", "City", "State", "Zip", "Country"]
    assert guess_mapping(headers) == {
        0: "first_name",
        1: "last_name",
        2: "email",
        3: "company",
        4: "street",
        5: "city",
        6: "region",
        7: "postal_code",
        8: "country",
    }
    assert guess_mapping(["Postcode", "Name on card", "Message", "Notes?!"])[0] == "postal_code"
    assert guess_mapping(["Name", "Name"]) == {0: "name"}


def test_first_and_last_name_are_joined_and_country_names_become_codes() -> None:
    row = ["Jane", "Doe", "United States"]
    recipient = recipient_from_row(row, {0: "first_name", 1: "last_name", 2: "country"})
    assert recipient.name == "Jane Doe"
    assert recipient.country == "US"
    assert recipient_from_row(["de"], {0: "country"}).country == "DE"


@given(st.lists(st.text(max_size=20), max_size=30))
def test_a_guess_maps_each_field_at_most_once_to_a_real_column(headers: list[str]) -> None:
    mapping = guess_mapping(headers)
    assert len(set(mapping.values())) == len(mapping)
    assert all(0 <= i < len(headers) and t in TARGETS for i, t in mapping.items())


@given(
    st.lists(st.text(max_size=30), max_size=20),
    st.dictionaries(st.integers(0, 25), st.sampled_from(TARGETS), max_size=12),
)
def test_any_row_under_any_mapping_reads_as_a_recipient(cells: list[str], mapping: dict[int, str]) -> None:
    recipient = recipient_from_row(cells, mapping)
    assert isinstance(recipient, Recipient)


def test_a_good_recipient_is_normalised() -> None:
    checked = check_recipient(JANE, always_fits, "Dear {first_name}")
    assert checked.ok, checked.errors
    assert checked.recipient.email == "jane@example.com"


def test_problems_are_at_their_fields() -> None:
    bad = Recipient(name="Jane", street="1 Main St", country="US", email="not-an-email", card_name="x" * 61)
    errors = check_recipient(bad, always_fits).errors
    assert "email" in errors
    assert str(CARD_NAME_MAX) in errors["card_name"]
    assert {"city", "region", "postal_code"} <= set(errors)


def test_an_empty_row_is_one_problem() -> None:
    assert dict(check_recipient(Recipient(name="  "), always_fits).errors) == {"row": "This row is empty."}


def test_a_card_that_does_not_fit_is_a_problem_at_the_message() -> None:
    errors = check_recipient(JANE, never_fits, "Dear {first_name}").errors
    assert errors["message"].startswith("Too long")


def test_the_fit_check_sees_the_filled_in_message() -> None:
    seen: list[tuple[str, str]] = []
    check_recipient(
        JANE, lambda name, message: seen.append((name, message)), "Dear {first_name} of {company}"
    )
    assert seen == [("Jane", "Dear Jane of Acme")]


def test_an_unknown_placeholder_is_a_problem_not_a_crash() -> None:
    text, problem = card_message(JANE, "Dear {nickname}, {first_name}")
    assert text == "Dear {nickname}, Jane"
    assert problem and "{nickname}" in problem
    assert "message" in check_recipient(JANE, always_fits, "Hi {0}").errors


def test_duplicates_by_name_and_address_or_email() -> None:
    again = Recipient(
        name="JANE  doe", street="1 main st", city="new york", postal_code="10001", country="us"
    )
    by_email = Recipient(name="J. Doe", email="jane@example.com")
    other = Recipient(name="Sam", email="sam@example.com")
    assert duplicates([JANE, again, other, by_email]) == {1: 0, 3: 0}


names = st.text(st.characters(categories=["L", "Zs"]), max_size=20)


@given(names, names, st.text(max_size=50))
def test_placeholders_are_filled_from_the_recipient(name: str, company: str, rest: str) -> None:
    recipient = Recipient(name=name, company=company)
    rest = rest.replace("{", "").replace("}", "")
    text, problem = card_message(recipient, "{name}|{first_name}|{last_name}|{company}|" + rest)
    assert problem is None
    assert text == f"{name}|{recipient.first_name}|{recipient.last_name}|{company}|{rest}"


@given(st.text(max_size=80))
def test_filling_never_crashes_and_an_own_message_wins(template: str) -> None:
    card_message(JANE, template)
    assert card_message(Recipient(message="Mine {x}"), template) == ("Mine {x}", None)


def test_fields_are_the_values_fields() -> None:
    assert tuple(Recipient.__dataclass_fields__) == FIELDS
