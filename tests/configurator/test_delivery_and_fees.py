"""Personalisation fees, rush pricing and the delivery plan."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from configurator.catalog import load_catalog
from configurator.delivery import plan_delivery
from configurator.leadtime import Capacity
from configurator.pricing import LOGO_SETUP_FEE, MONOGRAM_FEE_PER_ITEM, quote
from tests.configurator.strategies import valid_specs

CATALOG = load_catalog()
SPEC = CATALOG.classics["warm-welcome"].spec.replace(message="Hi", quantity=20)
MONDAY = date(2026, 11, 30)


def test_logo_setup_is_charged_once_and_monogram_per_item():
    q = quote(SPEC.replace(logo_id="a" * 64, monogram="AB"), CATALOG)
    labels = {line.label: line for line in q.lines}
    assert labels["Logo setup (once per design)"].amount == LOGO_SETUP_FEE
    monogram = next(line for line in q.lines if line.label.startswith("Monogram"))
    assert monogram.quantity == 3 * 20 and monogram.amount == MONOGRAM_FEE_PER_ITEM * 60


def test_rush_adds_a_fee_line():
    plain, rushed = quote(SPEC, CATALOG), quote(SPEC, CATALOG, rush=True)
    assert rushed.total > plain.total
    assert any(line.label.startswith("Rush") for line in rushed.lines)


@settings(max_examples=60, deadline=None)
@given(valid_specs(), st.booleans(), st.booleans(), st.booleans())
def test_total_is_lines_minus_discount_with_every_fee(spec, logo, monogram, rush):
    spec = spec.replace(logo_id="f" * 64 if logo else None, monogram="XYZ" if monogram else "")
    q = quote(spec, CATALOG, rush=rush)
    assert q.total == sum((line.amount for line in q.lines), Decimal(0)) - q.discount
    assert q.discount >= 0 and q.total > 0


@settings(max_examples=60, deadline=None)
@given(valid_specs(), st.integers(0, 200_000), st.integers(0, 60))
def test_rush_is_never_later_than_standard(spec, backlog, days):
    plan = plan_delivery(
        spec.replace(needed_by=MONDAY + timedelta(days)), CATALOG, MONDAY, backlog, Capacity()
    )
    assert plan.rush <= plan.standard
    assert plan.feasible == (plan.needed_by >= plan.rush)
    assert plan.rush_needed == (plan.needed_by < plan.standard)


def test_plan_messages_cover_each_case():
    capacity = Capacity()
    open_plan = plan_delivery(SPEC, CATALOG, MONDAY, 0, capacity)
    assert open_plan.feasible and not open_plan.rush_needed and "Earliest delivery" in open_plan.message
    late = plan_delivery(SPEC.replace(needed_by=date(2027, 6, 1)), CATALOG, MONDAY, 50_000, capacity)
    assert late.feasible and "On time" in late.message
    busy = plan_delivery(
        SPEC.replace(needed_by=open_plan.standard + timedelta(days=1)),
        CATALOG,
        MONDAY,
        200_000,
        capacity,
    )
    assert busy.rush_needed and busy.feasible and "rush" in busy.message
    impossible = plan_delivery(SPEC.replace(needed_by=MONDAY), CATALOG, MONDAY, 0, capacity)
    assert not impossible.feasible and "cannot deliver" in impossible.message
