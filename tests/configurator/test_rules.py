import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configurator.catalog import load_catalog
from configurator.rules import (
    MAX_BOXES,
    MESSAGE_MAX_CHARS,
    MIN_BOXES,
    SIGN_OFF_MAX_CHARS,
    Violation,
    check,
    check_draft,
    normalise_text,
    slots,
)
from configurator.spec import BoxSpec, ItemLine
from tests.configurator.strategies import valid_specs

CATALOG = load_catalog()


def make(**changes) -> BoxSpec:
    """A valid medium box; each test breaks one thing."""
    spec = BoxSpec(
        box_size="medium",
        box_colour="kraft",
        ribbon_colour="navy",
        tissue_colour="ivory",
        items=(ItemLine("zip-pouch", "teal", 1), ItemLine("stitched-journal", "navy", 1)),
        message="Thank you for a wonderful year.",
        sign_off="The Acme team",
        quantity=MIN_BOXES,
    )
    return spec.replace(**changes)


def messages(spec: BoxSpec, field: str) -> list[str]:
    return [v.message for v in check(spec, CATALOG) if v.field == field]


def test_a_good_spec_passes():
    assert check(make(), CATALOG) == []


@pytest.mark.parametrize("classic_id", sorted(CATALOG.classics))
def test_every_classic_box_passes_once_it_has_a_message(classic_id):
    spec = CATALOG.classics[classic_id].spec.replace(message="Welcome aboard!")
    assert check(spec, CATALOG) == []


def test_unknown_box_size():
    assert messages(make(box_size="huge"), "box_size") == [
        "Please choose a box size: Small box, Medium box, Large box."
    ]


@pytest.mark.parametrize(
    ("field", "colour", "expected"),
    [
        (
            "box_colour",
            "coral",
            "We don't have Coral boxes. "
            "Choose a colour for the boxes: Kraft brown, White, Black, Navy, Forest green, Blush.",
        ),
        (
            "ribbon_colour",
            "plum",
            "We don't have Plum ribbon. "
            "Choose a colour for the ribbon: Gold, Silver, Cranberry red, Ivory, Navy, Teal, Coral, Black.",
        ),
        (
            "tissue_colour",
            "gold",
            "We don't have Gold tissue paper. "
            "Choose a colour for the tissue paper: Ivory, White, Blush, Sage, Kraft brown, Charcoal.",
        ),
    ],
)
def test_box_ribbon_and_tissue_colours_come_from_their_lists(field, colour, expected):
    assert messages(make(**{field: colour}), field) == [expected]


def test_a_missing_colour_asks_for_one():
    assert messages(make(ribbon_colour=""), "ribbon_colour") == [
        "Choose a colour for the ribbon: Gold, Silver, Cranberry red, Ivory, Navy, Teal, Coral, Black."
    ]


def test_at_least_one_item():
    assert messages(make(items=()), "items") == ["Add at least one item to the box."]


def test_unknown_product():
    spec = make(items=(ItemLine("zip-pouch", "teal"), ItemLine("gold-watch", "gold")))
    assert messages(spec, "items.1.product_id") == ["We don't make this item any more. Please remove it."]


def test_item_colour_names_the_palette():
    assert messages(make(items=(ItemLine("zip-pouch", "gold"),)), "items.0.colour") == [
        "Zip pouch is not made in Gold. It comes in Teal, Coral, Mustard, Navy, Ivory, Sage."
    ]


@pytest.mark.parametrize("quantity", [0, -1, 21])
def test_item_quantity_is_one_to_twenty(quantity):
    spec = make(items=(ItemLine("key-fob", "kraft", quantity), ItemLine("zip-pouch", "teal")))
    assert messages(spec, "items.0.quantity") == ["Leather key fob: choose between 1 and 20 per box."]


def test_capacity_names_slots_and_box():
    spec = make(items=(ItemLine("infinity-scarf", "teal", 3), ItemLine("zip-pouch", "teal")))
    assert messages(spec, "items") == [
        "This box is full: your items take 7 slots and a Medium box holds 6. "
        "Choose a larger box or remove an item."
    ]


def test_the_gauge_counts_the_slots_the_rule_counts():
    """One count of a box's fill: a line with a negative quantity takes no room, an unknown box holds none."""
    spec = make(items=(ItemLine("infinity-scarf", "teal", 3), ItemLine("zip-pouch", "teal", -4)))
    assert slots(spec, CATALOG) == (6, 6) and messages(spec, "items") == []
    assert slots(spec.replace(box_size="crate"), CATALOG) == (6, 0)


def test_capacity_in_the_largest_box_only_suggests_removing():
    spec = make(box_size="large", items=(ItemLine("infinity-scarf", "teal", 5),))
    assert messages(spec, "items") == [
        "This box is full: your items take 10 slots and a Large box holds 9. Remove an item."
    ]


def test_scented_items_are_kept_apart_from_wool():
    spec = make(items=(ItemLine("soy-candle", "ivory"), ItemLine("knit-beanie", "navy")))
    assert messages(spec, "items") == [
        "Soy candle and Knit beanie can't share a box: scented wax and soap leave their smell in "
        "knitted, woven and felted yarn. Remove one of them."
    ]


def test_small_extras_need_a_main_gift():
    spec = make(items=(ItemLine("key-fob", "kraft", 2), ItemLine("embroidered-bookmark", "teal")))
    assert messages(spec, "items") == [
        "Leather key fob and Embroidered bookmark need company: small extras look lost on their own, "
        "so every box needs a main gift. Add one of: Infinity scarf, Canvas tote bag, Zip pouch, "
        "Beaded bracelet, Soy candle, Woven coaster set, Stitched journal, Hand-milled soap, "
        "Knit beanie, Felt ornament."
    ]
    assert check(spec.replace(items=(*spec.items, ItemLine("soap-bar", "sage"))), CATALOG) == []


@pytest.mark.parametrize("message", ["", "   ", "\n\n"])
def test_message_is_required_but_not_for_drafts(message):
    spec = make(message=message)
    assert messages(spec, "message") == ["Please write a message for the card."]
    assert check_draft(spec, CATALOG) == []


def test_message_length_counts_composed_characters():
    decomposed = "e\u0301" * MESSAGE_MAX_CHARS  # "é" typed as e + combining accent
    assert messages(make(message=decomposed), "message") == []
    assert messages(make(message="x" * (MESSAGE_MAX_CHARS + 12)), "message") == [
        "Your message is 412 characters and the card fits 400. Please shorten it by 12."
    ]


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ("\t", "tab (U+0009)"),
        ("\x00", "control character (U+0000)"),
        ("\r", "line break (U+000D)"),
        ("\x1b", "control character (U+001B)"),
        ("\ud800", "control character (U+D800)"),
        ("\u202e", "right-to-left override (U+202E)"),
        ("\u200b", "zero width space (U+200B)"),
    ],
)
def test_message_rejects_hidden_characters_naming_them_but_keeps_newlines(bad, named):
    assert messages(make(message=f"Dear all,\nthanks{bad}!"), "message") == [
        f"Your message contains a hidden character that would not print as it reads: {named} at "
        "character 17. Please delete it or retype the text."
    ]
    assert messages(make(message="Dear all,\n\nthank you! 谢谢 שלום"), "message") == []


def test_sign_off_length():
    assert messages(make(sign_off="y" * (SIGN_OFF_MAX_CHARS + 1)), "sign_off") == [
        "Your sign-off is 81 characters; it fits 80. Please shorten it by 1."
    ]


@pytest.mark.parametrize(
    ("bad", "named"),
    [("\n", "line break (U+000A)"), ("\t", "tab (U+0009)"), ("\u2028", "line separator (U+2028)")],
)
def test_sign_off_is_a_single_line(bad, named):
    assert messages(make(sign_off=f"Team{bad}Acme"), "sign_off") == [
        f"Your sign-off contains a hidden character that would not print as it reads: {named} at "
        "character 5. Please delete it or retype the text."
    ]


def test_the_reported_bidi_override_is_refused_in_message_sign_off_and_monogram():
    spec = make(
        message="Thanks\u202e for all your live work", sign_off="Acme\u2066 team", monogram="A\u200bB"
    )
    assert [v.field for v in check(spec, CATALOG)] == ["message", "sign_off", "monogram"]


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (MIN_BOXES - 1, "We make at least 10 boxes per order."),
        (
            MAX_BOXES + 1,
            "We take up to 5000 boxes per order here. "
            "For a larger order, please contact us and we will plan it with you.",
        ),
    ],
)
def test_box_quantity_limits(quantity, expected):
    assert messages(make(quantity=quantity), "quantity") == [expected]
    assert check(make(quantity=MIN_BOXES), CATALOG) == check(make(quantity=MAX_BOXES), CATALOG) == []


def test_all_violations_are_reported_together():
    spec = make(box_colour="plum", items=(ItemLine("zip-pouch", "gold"),), message="", quantity=1)
    fields = {v.field for v in check(spec, CATALOG)}
    assert fields == {"box_colour", "items.0.colour", "message", "quantity"}
    assert all(isinstance(v, Violation) for v in check(spec, CATALOG))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Hello\r\nworld \r\n", "Hello\nworld"),
        ("a\rb", "a\nb"),
        ("e\u0301t\u00e9", "\u00e9t\u00e9"),
        ("a\n\n\nb", "a\n\n\nb"),
        ("a\n\n  \n\n\n\nb", "a\n\n\nb"),
    ],
)
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


@settings(max_examples=40)
@given(valid_specs())
def test_accepted_specs_survive_a_round_trip_with_the_same_hash(spec):
    again = BoxSpec.from_dict(spec.to_dict())
    assert again == spec
    assert check(again, CATALOG) == []
    assert again.content_hash() == spec.content_hash()


@settings(max_examples=40)
@given(valid_specs(), st.data())
def test_overfilled_boxes_are_always_rejected(spec, data):
    box = CATALOG.box_sizes[spec.box_size]
    product = CATALOG.products[spec.items[0].product_id]
    used = sum(CATALOG.products[i.product_id].slots * i.quantity for i in spec.items)
    extra = data.draw(st.integers(1 + (box.capacity - used) // product.slots, 20))
    first = spec.items[0]
    overfull = spec.replace(items=(*spec.items, ItemLine(first.product_id, first.colour, extra)))
    assert any(
        v.field == "items" and v.message.startswith("This box is full") for v in check(overfull, CATALOG)
    )


@settings(max_examples=40)
@given(st.text(max_size=60))
def test_normalised_text_is_stable(text):
    assert normalise_text(normalise_text(text)) == normalise_text(text)
