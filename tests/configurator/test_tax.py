"""Tax: found by where the boxes go, applied and rounded by the quote, never negative."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configurator.catalog import load_catalog
from configurator.pricing import money, quote
from configurator.shipping import Destinations
from configurator.tax import DEFAULT_PATH, TaxRate, exempt, load_tax_table, parse_tax_table
from configurator.vocabulary import ShippingZone
from tests.configurator.strategies import valid_specs

rates = st.decimals(min_value=0, max_value=Decimal("99.999"), places=3).map(lambda d: TaxRate(d, "Tax"))
destinations = st.builds(
    Destinations,
    address_boxes=st.integers(0, 50),
    address_zone=st.sampled_from([None, *ShippingZone]),
    unplaced=st.integers(0, 50),
)


def test_the_data_file_says_it_is_configuration_not_advice_and_loads():
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert "CONFIGURATION, NOT TAX ADVICE" in text
    table = load_tax_table()
    assert table.rate_for("US", "NY") == TaxRate(Decimal("8.875"), "Sales tax (US-NY)")
    assert table.rate_for("us", "or").percent == 0  # a state with no line: the country's rate
    assert table.rate_for("CA", "ON").percent == 13 and table.rate_for("CA", "BC").percent == 5
    assert table.rate_for("JP").percent == table.default
    assert "delivery address" in table.rate_for("").label


def test_a_rate_out_of_range_stops_loading():
    with pytest.raises(ValueError, match="US-NY"):
        parse_tax_table({"countries": {"US": {"rate": "0", "regions": {"NY": "-1"}}}})
    with pytest.raises(ValueError):
        parse_tax_table({"default": "100"})
    with pytest.raises(ValueError, match="quote"):
        parse_tax_table({"countries": {"CA": {"rate": "5", "regions": {True: "13"}}}})


def test_tax_is_on_the_order_after_discount_and_rounded_half_up():
    catalog = load_catalog()
    spec = next(iter(catalog.classics.values())).spec.replace(quantity=60)
    untaxed = quote(spec, catalog)
    taxed = quote(spec, catalog, tax=TaxRate(Decimal("8.875"), "Sales tax (US-NY)"))
    assert taxed.tax == money((untaxed.subtotal - untaxed.discount) * Decimal("8.875") / 100)
    assert taxed.total == untaxed.total + taxed.tax and taxed.per_box == untaxed.per_box
    assert taxed.tax_label == "Sales tax (US-NY)"


@settings(max_examples=60)
@given(valid_specs(), rates, destinations)
def test_tax_is_never_negative_and_the_total_adds_up(spec, rate, where):
    q = quote(spec, load_catalog(), destinations=where, tax=rate)
    assert q.tax >= 0 and q.tax == money(q.tax)
    assert q.total == q.goods - q.discount + q.shipping + q.tax
    assert q.subtotal == sum(line.amount for line in q.lines)


@settings(max_examples=30)
@given(valid_specs(), destinations, st.text(min_size=1, max_size=12))
def test_an_exempt_organisation_pays_no_tax(spec, where, certificate):
    q = quote(spec, load_catalog(), destinations=where, tax=exempt(certificate))
    assert q.tax == 0 and q.total == q.before_tax and certificate in q.tax_label


@settings(max_examples=30)
@given(valid_specs(), rates)
def test_a_taxed_quote_round_trips_through_its_dict(spec, rate):
    q = quote(spec, load_catalog(), tax=rate)
    assert type(q).from_dict(q.to_dict()) == q
