"""Shipping in the quote and in the delivery estimate: zones, rates and transit days from the catalog."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from configurator.catalog import DEFAULT_PATH, load_catalog, parse_catalog
from configurator.delivery import plan_delivery
from configurator.leadtime import Capacity
from configurator.pricing import QuoteLine, quote
from configurator.rules import MAX_BOXES, MIN_BOXES
from configurator.shipping import Destinations, destinations, office_share
from configurator.vocabulary import Delivery, ShippingZone
from tests.configurator.strategies import valid_specs

CATALOG = load_catalog()
TABLE = CATALOG.shipping
assert TABLE is not None
SPEC = CATALOG.classics["warm-welcome"].spec.replace(message="Welcome!", quantity=40)
MONDAY = date(2026, 3, 2)


def test_zones_are_the_origin_its_neighbours_and_the_rest():
    assert TABLE.zone_of("us") == ShippingZone.DOMESTIC
    assert TABLE.zone_of("CA") == TABLE.zone_of("MX") == ShippingZone.NEIGHBOURING
    assert TABLE.zone_of("GB") == TABLE.zone_of("JP") == ShippingZone.INTERNATIONAL


def test_bulk_to_a_known_address_is_the_bulk_rate_of_its_zone_per_box():
    where = destinations(Delivery.BULK, 40, TABLE, address_country="CA")
    q = quote(SPEC, CATALOG, destinations=where)
    rate = TABLE.rates[ShippingZone.NEIGHBOURING].bulk_per_box
    assert q.lines[-1] == QuoteLine("Shipping to one address (neighbouring countries)", 40, rate, rate * 40)
    assert q.shipping == rate * 40 and not q.shipping_estimated


def test_an_address_not_entered_yet_is_priced_domestic_and_says_so():
    q = quote(SPEC, CATALOG, destinations=destinations(Delivery.BULK, 40, TABLE))
    assert "estimated at the domestic rate until you enter the address" in q.lines[-1].label
    assert q.shipping_estimated


def test_per_recipient_boxes_without_recipients_are_estimated_at_the_domestic_recipient_rate():
    q = quote(SPEC, CATALOG, destinations=destinations(Delivery.PER_RECIPIENT, 40, TABLE))
    rate = TABLE.rates[ShippingZone.DOMESTIC].per_recipient
    assert q.lines[-1].quantity == 40 and q.lines[-1].unit_price == rate
    assert "until recipients are added" in q.lines[-1].label and q.shipping_estimated


def test_a_split_prices_the_office_share_in_bulk_and_the_rest_per_recipient():
    where = destinations(Delivery.SPLIT, 40, TABLE, address_country="US", office_boxes=25)
    q = quote(SPEC, CATALOG, destinations=where)
    shipping = [line for line in q.lines if line.label.startswith("Shipping")]
    assert [(line.quantity, line.unit_price) for line in shipping] == [
        (25, TABLE.rates[ShippingZone.DOMESTIC].bulk_per_box),
        (15, TABLE.rates[ShippingZone.DOMESTIC].per_recipient),
    ]


def test_known_recipients_are_priced_by_their_zone():
    where = destinations(Delivery.PER_RECIPIENT, 10, TABLE, recipient_countries=["US", "US", "CA", "GB"])
    assert where.recipients == (
        (ShippingZone.DOMESTIC, 2),
        (ShippingZone.NEIGHBOURING, 1),
        (ShippingZone.INTERNATIONAL, 1),
    )
    assert where.unplaced == 6 and where.boxes == 10


@given(
    st.sampled_from(list(Delivery)),
    st.integers(MIN_BOXES, MAX_BOXES),
    st.one_of(st.none(), st.integers(-5, MAX_BOXES + 5)),
)
def test_every_box_goes_somewhere_and_a_split_sends_some_each_way(kind, quantity, office):
    where = destinations(kind, quantity, TABLE, address_country="US", office_boxes=office)
    assert where.boxes == quantity
    if kind == Delivery.SPLIT:
        assert 1 <= where.address_boxes < quantity
    assert office_share(kind, quantity, office) == where.address_boxes


@given(
    valid_specs(), st.sampled_from(list(Delivery)), st.sampled_from(["US", "CA", "DE", None]), st.booleans()
)
def test_shipping_adds_exactly_its_lines_and_is_never_discounted(spec, kind, country, rush):
    where = destinations(kind, spec.quantity, TABLE, address_country=country, office_boxes=spec.quantity // 2)
    without = quote(spec, CATALOG, rush=rush)
    with_shipping = quote(spec, CATALOG, rush=rush, destinations=where)
    assert with_shipping.discount == without.discount
    assert with_shipping.total - without.total == with_shipping.shipping > 0
    assert with_shipping.shipping == sum(line.amount for line in with_shipping.lines[len(without.lines) :])
    assert all(line.amount == line.unit_price * line.quantity for line in with_shipping.lines)
    assert with_shipping.to_dict() == type(with_shipping).from_dict(with_shipping.to_dict()).to_dict()


def test_a_catalog_without_shipping_quotes_none():
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    del raw["shipping"]
    small = parse_catalog(raw)
    assert quote(SPEC, small, destinations=Destinations(address_boxes=40)).shipping == Decimal("0.00")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["zones"].pop("international"), "must list exactly"),
        (lambda s: s["zones"]["domestic"].update(per_recipient="9.999"), "whole number of cents"),
        (lambda s: s["zones"]["domestic"].update(transit_days=0), "at least 1"),
    ],
)
def test_a_broken_shipping_table_is_refused_when_the_catalog_loads(change, message):
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    broken = copy.deepcopy(raw)
    change(broken["shipping"])
    with pytest.raises(ValueError, match=message):
        parse_catalog(broken)


def _plan(where: Destinations | None, needed_by: date | None = None):
    return plan_delivery(SPEC.replace(needed_by=needed_by), CATALOG, MONDAY, 0, Capacity(), where)


def test_transit_days_by_zone_move_the_arrival():
    home = _plan(destinations(Delivery.BULK, 40, TABLE, address_country="US"))
    abroad = _plan(destinations(Delivery.BULK, 40, TABLE, address_country="DE"))
    extra = (
        TABLE.rates[ShippingZone.INTERNATIONAL].transit_days - TABLE.rates[ShippingZone.DOMESTIC].transit_days
    )
    assert abroad.standard > home.standard
    assert (abroad.standard - home.standard).days >= extra  # working days: weekends only add
    assert home.standard == _plan(None).standard  # domestic transit is the capacity's own 3 days


def test_recipients_are_told_the_latest_day_their_box_can_come():
    where = destinations(Delivery.PER_RECIPIENT, 40, TABLE, recipient_countries=["US"] * 30 + ["GB"] * 10)
    plan = _plan(where)
    zones = dict(plan.arrivals)
    assert set(zones) == {ShippingZone.DOMESTIC, ShippingZone.INTERNATIONAL}
    assert plan.standard == zones[ShippingZone.INTERNATIONAL] > zones[ShippingZone.DOMESTIC]
    assert f"The latest a recipient can expect their box: {plan.standard:%a} {plan.standard.day}" in plan.note


def test_unknown_recipients_are_scheduled_domestic_and_the_note_says_so():
    plan = _plan(destinations(Delivery.PER_RECIPIENT, 40, TABLE))
    assert "Until we know recipients we assume delivery within the country we ship from" in plan.note


def test_a_needed_by_date_must_hold_for_the_slowest_zone():
    home = _plan(destinations(Delivery.BULK, 40, TABLE, address_country="US"))
    abroad_where = destinations(Delivery.BULK, 40, TABLE, address_country="JP")
    assert not _plan(abroad_where, home.standard).feasible or _plan(abroad_where, home.standard).rush_needed
    assert _plan(abroad_where, home.standard + timedelta(days=30)).rush_needed is False
