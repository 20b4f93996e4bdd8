from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configurator.catalog import load_catalog
from configurator.pricing import Quote, QuoteLine, money, quote, unit_price_per_box
from configurator.rules import MAX_BOXES, MIN_BOXES
from configurator.spec import BoxSpec, ItemLine
from tests.configurator.strategies import valid_specs

CATALOG = load_catalog()
SPEC = BoxSpec(
    box_size="medium",
    box_colour="kraft",
    ribbon_colour="navy",
    tissue_colour="ivory",
    items=(ItemLine("zip-pouch", "teal", 2), ItemLine("stitched-journal", "navy")),
    message="Thanks!",
)


@pytest.mark.parametrize(
    ("x", "expected"),
    [("1.005", "1.01"), ("1.004", "1.00"), ("-1.005", "-1.01"), ("2", "2.00"), ("0.125", "0.13")],
)
def test_money_rounds_half_up_to_cents(x, expected):
    assert money(Decimal(x)) == Decimal(expected)
    assert str(money(Decimal(x))) == expected


def test_quote_for_ten_boxes_has_no_discount():
    q = quote(SPEC.replace(quantity=10), CATALOG)
    assert q.lines == (
        QuoteLine("Medium box", 10, Decimal("8.00"), Decimal("80.00")),
        QuoteLine("Zip pouch, Teal", 20, Decimal("12.00"), Decimal("240.00")),
        QuoteLine("Stitched journal, Navy", 10, Decimal("15.00"), Decimal("150.00")),
    )
    assert (q.boxes, q.subtotal, q.discount, q.total, q.per_box) == (
        10,
        Decimal("470.00"),
        Decimal("0.00"),
        Decimal("470.00"),
        Decimal("47.00"),
    )
    assert q.discount_label == ""


@pytest.mark.parametrize(
    ("boxes", "per_box", "label"),
    [
        (49, "47.00", ""),
        (50, "44.65", "5% volume discount (50+ boxes)"),
        (250, "42.30", "10% volume discount (250+ boxes)"),
        (1000, "39.95", "15% volume discount (1000+ boxes)"),
    ],
)
def test_volume_tiers(boxes, per_box, label):
    q = quote(SPEC.replace(quantity=boxes), CATALOG)
    assert q.per_box == Decimal(per_box)
    assert q.discount_label == label
    assert q.total == q.per_box * boxes


def test_the_discount_is_rounded_per_box():
    # A small box with a cup cozy is $12.50; 5% of it is 62.5 cents, so each box gets 63 cents off.
    spec = SPEC.replace(box_size="small", items=(ItemLine("cup-cozy", "teal"),), quantity=50)
    q = quote(spec, CATALOG)
    assert q.discount == Decimal("31.50")
    assert q.per_box == Decimal("11.87")
    assert q.total == Decimal("593.50")


def test_unit_price_per_box_of_a_classic():
    classic = CATALOG.classics["warm-welcome"].spec
    assert classic.quantity == MIN_BOXES
    assert unit_price_per_box(classic, CATALOG) == Decimal("45.00")  # 8 + 15 + 8 + 14


def test_quote_needs_a_box():
    with pytest.raises(ValueError, match="at least one box"):
        quote(SPEC.replace(quantity=0), CATALOG)


def test_quote_round_trips_through_a_dict():
    q = quote(SPEC.replace(quantity=300), CATALOG)
    data = q.to_dict()
    assert data["total"] == str(q.total)
    assert isinstance(data["lines"][0]["amount"], str)
    assert Quote.from_dict(data) == q


@settings(max_examples=50)
@given(valid_specs())
def test_total_is_the_sum_of_lines_minus_discount(spec):
    q = quote(spec, CATALOG)
    assert q.subtotal == sum(line.amount for line in q.lines)
    assert q.total == q.subtotal - q.discount
    assert q.discount >= 0
    assert q.per_box == money(q.total / q.boxes)
    assert all(line.amount == money(line.amount) for line in q.lines)


@settings(max_examples=50)
@given(valid_specs(), st.integers(MIN_BOXES, MAX_BOXES), st.integers(MIN_BOXES, MAX_BOXES))
def test_per_box_price_never_rises_with_quantity(spec, a, b):
    fewer, more = sorted((a, b))
    assert unit_price_per_box(spec.replace(quantity=more), CATALOG) <= unit_price_per_box(
        spec.replace(quantity=fewer), CATALOG
    )
