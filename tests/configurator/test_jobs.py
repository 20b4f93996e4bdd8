"""Job expansion, queue priorities and the workshop load plan (pure)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configurator.catalog import load_catalog
from configurator.jobs import (
    UNDATED_PRIORITY,
    plan_jobs,
    priority_for,
    quote_is_rush,
    retitle,
)
from configurator.leadtime import Capacity, earliest_ship_date, order_maker_minutes, plan_load, production_end
from configurator.pricing import quote
from configurator.spec import BoxSpec
from configurator.vocabulary import JobKind
from tests.configurator.strategies import valid_specs

CATALOG = load_catalog()
WARM = CATALOG.classics["warm-welcome"].spec.replace(quantity=25)
MONDAY = date(2025, 3, 3)


def kinds(plans):
    return [p.kind for p in plans]


def test_a_plain_box_is_made_carded_and_packed():
    plans = plan_jobs(WARM, CATALOG)
    assert kinds(plans)[-2:] == ["cards", "assemble"]
    make = [p for p in plans if p.kind == "make"]
    assert {(p.product_id, p.colour) for p in make} == {(i.product_id, i.colour) for i in WARM.items}
    assert all(
        p.quantity == 25 * next(i.quantity for i in WARM.items if i.product_id == p.product_id) for p in make
    )
    assert "Make 25 stitched journal, navy" in [p.title for p in plans]
    assert plans[-1].title == "Assemble and pack 25 boxes" and plans[-1].colour == WARM.box_colour
    assert all(p.priority == UNDATED_PRIORITY for p in plans)


def test_same_product_and_colour_on_two_lines_is_one_job():
    spec = WARM.replace(items=(WARM.items[0], WARM.items[0]))
    make = [p for p in plan_jobs(spec, CATALOG) if p.kind == "make"]
    assert len(make) == 1 and make[0].quantity == 2 * WARM.items[0].quantity * 25


@pytest.mark.parametrize(
    ("placement", "expected"),
    [("lid", "Put the logo on 25 box lids"), ("tag", "Put the logo on 25 gift tags"), ("card", None)],
)
def test_personalisation_jobs(placement, expected):
    spec = WARM.replace(monogram="AB", logo_id="f" * 64, logo_placement=placement)
    plans = plan_jobs(spec, CATALOG)
    items = sum(i.quantity for i in spec.items) * 25
    monogram = next(p for p in plans if p.kind == "monogram")
    assert monogram.title == f"Add the letters AB to {items} items" and monogram.quantity == items
    logo = [p.title for p in plans if p.kind == "logo"]
    assert logo == ([expected] if expected else [])  # a logo on the card is printed with the card
    assert [p.kind.stage for p in plans] == sorted(p.kind.stage for p in plans)


def test_priority_puts_rush_then_dates_then_undated():
    soon, later = date(2025, 5, 1), date(2025, 6, 1)
    assert priority_for(later, rush=True) < priority_for(soon) < priority_for(later) < priority_for(None)
    assert priority_for(soon, rush=True) < priority_for(later, rush=True)
    spec = WARM.replace(needed_by=soon)
    assert {p.priority for p in plan_jobs(spec, CATALOG)} == {priority_for(soon)}
    assert {p.priority for p in plan_jobs(WARM.replace(needed_by=None), CATALOG)} == {UNDATED_PRIORITY}


def test_a_needed_by_that_is_not_a_date_is_refused_where_the_spec_is_read():
    with pytest.raises(ValueError):
        BoxSpec.from_dict({**WARM.to_dict(), "needed_by": "not a date"})


def test_rush_is_read_from_the_frozen_quote():
    assert quote_is_rush(quote(WARM, CATALOG, rush=True).to_dict())
    assert not quote_is_rush(quote(WARM, CATALOG).to_dict())
    assert not quote_is_rush({})


def test_retitle_changes_only_the_count():
    assert retitle("Make 40 infinity scarf, teal", 40, 10) == "Make 10 infinity scarf, teal"
    assert retitle("Assemble and pack 25 boxes", 25, 3) == "Assemble and pack 3 boxes"
    assert retitle("Odd title", 5, 2) == "Odd title (2)"


@settings(max_examples=40)
@given(valid_specs(), st.booleans(), st.booleans())
def test_every_job_has_work_and_minutes_add_up(spec, monogram, logo):
    spec = spec.replace(monogram="XY" if monogram else "", logo_id="a" * 64 if logo else None)
    plans = plan_jobs(spec, CATALOG)
    assert all(p.quantity > 0 and p.maker_minutes > 0 and isinstance(p.kind, JobKind) for p in plans)
    assert order_maker_minutes(spec, CATALOG) == sum(p.maker_minutes for p in plans)


def test_weekday_minutes_and_special_days():
    capacity = Capacity(
        working_days=frozenset({0, 1, 2, 3, 4, 5}),
        weekday_minutes=(600, 600, 600, 600, 300, 120, 0),
        holidays=frozenset({MONDAY + timedelta(days=7)}),
        date_minutes=((MONDAY + timedelta(days=6), 60),),  # an extra Sunday
    )
    assert [capacity.minutes_on(MONDAY + timedelta(days=n)) for n in range(8)] == [
        600,
        600,
        600,
        600,
        300,
        120,
        60,
        0,
    ]
    assert production_end(MONDAY - timedelta(days=1), 1200, capacity) == MONDAY + timedelta(days=1)
    with pytest.raises(ValueError):
        Capacity(weekday_minutes=(1, 2, 3))
    with pytest.raises(ValueError):
        Capacity(working_days=frozenset({6}), weekday_minutes=(60, 60, 60, 60, 60, 0, 0))


def test_the_load_plan_fills_days_in_queue_order():
    capacity = Capacity(maker_minutes_per_day=100)
    plan = plan_load(MONDAY - timedelta(days=1), [("a", 150), ("b", 50), ("c", 0), ("d", 260)], capacity, 7)
    assert [d.planned_minutes for d in plan.days] == [100, 100, 100, 100, 60, 0, 0]
    assert plan.finish == {
        "a": MONDAY + timedelta(days=1),
        "b": MONDAY + timedelta(days=1),
        "c": MONDAY + timedelta(days=1),
        "d": MONDAY + timedelta(days=4),
    }
    assert plan.overflow_minutes == 0
    squeezed = plan_load(MONDAY - timedelta(days=1), [("a", 900)], capacity, 7)
    assert squeezed.overflow_minutes == 400 and squeezed.finish["a"] > MONDAY + timedelta(days=6)


@settings(max_examples=60)
@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 1, 1)),
    st.lists(st.integers(0, 3000), max_size=12),
    st.integers(60, 3000),
)
def test_load_plan_agrees_with_the_promise(today, work, per_day):
    """The staff chart and the buyer's estimate fill days the same way."""
    capacity = Capacity(maker_minutes_per_day=per_day)
    plan = plan_load(today, [(n, m) for n, m in enumerate(work)], capacity, 120)
    assert all(d.planned_minutes <= d.capacity_minutes for d in plan.days)
    assert sum(d.planned_minutes for d in plan.days) + plan.overflow_minutes == sum(work)
    finishes = [plan.finish[n] for n in range(len(work))]
    assert finishes == sorted(finishes)
    for n in range(len(work)):
        if work[n] and not plan.overflow_minutes:
            before = sum(work[: n + 1])
            assert plan.finish[n] == production_end(today, before, capacity)
    if work and not plan.overflow_minutes:
        assert earliest_ship_date(today, sum(work[:-1]), work[-1], capacity) >= plan.finish[len(work) - 1]
