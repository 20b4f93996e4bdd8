"""Capacity per skill: more makers never lower it, a day off never raises it, an order waits for its slowest skill."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from configurator.catalog import load_catalog
from configurator.leadtime import Capacity, earliest_ship_date, production_end
from configurator.skills import (
    MakerHours,
    Workshop,
    default_hours,
    order_skill_minutes,
    skill_calendar,
    skill_minutes,
)
from configurator.spec import ItemLine
from configurator.vocabulary import Skill

MONDAY = date(2031, 3, 3)
WORKSHOP = Capacity()

makers = st.builds(
    MakerHours,
    st.frozensets(st.sampled_from(list(Skill)), min_size=1),
    st.tuples(*[st.integers(0, 600)] * 7),
    st.frozensets(st.dates(MONDAY, MONDAY + timedelta(days=40)), max_size=10),
)
days = st.dates(MONDAY, MONDAY + timedelta(days=40))


@given(st.lists(makers, max_size=5), makers, days)
def test_more_makers_never_lower_any_skills_capacity(team, newcomer, day):
    before = skill_minutes(day, team, WORKSHOP)
    after = skill_minutes(day, [*team, newcomer], WORKSHOP)
    assert all(after[s] >= before[s] for s in Skill)


@given(st.lists(makers, min_size=1, max_size=5), st.data(), days)
def test_a_day_off_never_raises_any_skills_capacity(team, data, day):
    who = data.draw(st.integers(0, len(team) - 1))
    off = data.draw(days)
    resting = MakerHours(team[who].skills, team[who].weekday_minutes, team[who].days_off | {off})
    before = skill_minutes(day, team, WORKSHOP)
    after = skill_minutes(day, [*team[:who], resting, *team[who + 1 :]], WORKSHOP)
    assert all(after[s] <= before[s] for s in Skill)


@given(st.integers(1, 9), st.integers(0, 6))
def test_default_shares_add_up_to_the_workshop(count, weekday):
    shares = [default_hours(WORKSHOP, count, i) for i in range(count)]
    assert sum(s.weekday_minutes[weekday] for s in shares) == WORKSHOP.minutes_on_weekday(weekday)


def test_the_calendar_of_each_skill_holds_the_days_of_its_makers_only():
    leather = MakerHours(frozenset({Skill.LEATHER}), (360,) * 5 + (0, 0), frozenset({MONDAY}))
    sewing = MakerHours(frozenset({Skill.SEWING, Skill.PACKING}), (480,) * 5 + (0, 0))
    calendar = skill_calendar(WORKSHOP, [leather, sewing])
    assert calendar.capacity_for(Skill.LEATHER).minutes_on(MONDAY) == 0
    assert calendar.capacity_for(Skill.LEATHER).minutes_on(MONDAY + timedelta(days=1)) == 360
    assert calendar.capacity_for(Skill.PACKING).minutes_on(MONDAY) == 480
    assert (
        calendar.pool.minutes_on(MONDAY) == 480
        and calendar.pool.minutes_on(MONDAY + timedelta(days=1)) == 840
    )
    assert calendar.capacity_for(Skill.CANDLES) == calendar.pool  # nobody does candles: the workshop's hours


def test_an_order_waits_for_its_slowest_skill_and_says_which():
    catalog = load_catalog()
    spec = catalog.classics["warm-welcome"].spec.replace(
        items=(ItemLine("key-fob", "black", 1), ItemLine("tote-bag", "navy", 1)), quantity=40
    )
    order = order_skill_minutes(spec, catalog)
    assert order[Skill.LEATHER] == 40 * catalog.products["key-fob"].maker_minutes
    leather = MakerHours(frozenset({Skill.LEATHER}), (60,) * 5 + (0, 0))
    others = MakerHours(frozenset(Skill) - {Skill.LEATHER}, (2000,) * 5 + (0, 0))
    calendar = skill_calendar(WORKSHOP, [leather, others])
    end, limiting = Workshop(calendar).production_end(MONDAY, order)
    assert limiting == Skill.LEATHER
    assert end == production_end(MONDAY, 600, calendar.capacity_for(Skill.LEATHER)) == date(2031, 3, 17)


@given(st.integers(1, 6), st.integers(0, 20_000), st.integers(0, 5_000))
def test_makers_on_the_default_change_no_estimate(count, backlog, minutes):
    """Until staff describe someone, every skill has the whole workshop's hours: the dates stay as they were."""
    team = [default_hours(WORKSHOP, count, i) for i in range(count)]
    workshop = Workshop(skill_calendar(WORKSHOP, team), {Skill.PACKING: backlog})
    assert workshop.ship_date(MONDAY, {Skill.LEATHER: minutes}) == earliest_ship_date(
        MONDAY, backlog, minutes, WORKSHOP
    )
