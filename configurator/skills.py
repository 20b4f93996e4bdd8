"""Capacity per skill: which makers can do a kind of work, and when they are there.

Pure: the makers' hours and the workshop calendar are passed in.

The rule for a maker with several skills: on a day they work, each of their skills may use
their whole day, and the workshop as a whole may use it once. An order's work of each skill is
poured into that skill's calendar, and all its work into the whole workshop's, so it finishes
on the latest of those days: it waits for its slowest skill, and no day holds more work than
the makers working that day have minutes. (The bound is optimistic only when two skills both
lean on the same generalist on the same days.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from configurator.catalog import Catalog
from configurator.jobs import plan_jobs
from configurator.leadtime import Capacity, add_working_days, production_end
from configurator.spec import BoxSpec
from configurator.vocabulary import Skill

SkillMinutes = Mapping[Skill | None, int]
"""Maker minutes per skill; None holds work any maker may do (an item gone from the catalog)."""


@dataclass(frozen=True)
class MakerHours:
    """One maker's part of the calendar."""

    skills: frozenset[Skill]
    weekday_minutes: tuple[int, ...]
    """Monday first, 7 numbers; 0 is their day off."""
    days_off: frozenset[date] = frozenset()
    date_minutes: tuple[tuple[date, int], ...] = ()
    """Their share of the workshop's special dates (for makers on the workshop's default hours)."""

    def __post_init__(self) -> None:
        if len(self.weekday_minutes) != 7 or min(self.weekday_minutes) < 0:
            raise ValueError("weekday_minutes must be 7 non-negative numbers, Monday first")

    def minutes_on(self, d: date, workshop: Capacity) -> int:
        """Their minutes on ``d``: none on their days off or when the workshop is closed."""
        if d in self.days_off or d in workshop.holidays:
            return 0
        for special, minutes in self.date_minutes:
            if special == d:
                return minutes
        return self.weekday_minutes[d.weekday()] if d.weekday() in workshop.working_days else 0


def default_hours(workshop: Capacity, makers: int, index: int) -> MakerHours:
    """Every skill and an even share of the workshop's hours: a maker staff have not described yet.

    The shares of ``makers`` makers add up to the workshop's minutes exactly (``index`` says which
    share: the first few take the remainder's extra minute).
    """

    def share(total: int) -> int:
        return total // makers + (1 if index < total % makers else 0)

    week = tuple(share(workshop.minutes_on_weekday(w)) for w in range(7))
    return MakerHours(
        frozenset(Skill), week, date_minutes=tuple((d, share(m)) for d, m in workshop.date_minutes)
    )


def skill_minutes(d: date, makers: Iterable[MakerHours], workshop: Capacity) -> dict[Skill, int]:
    """Minutes each skill has on ``d``: the day of every maker with the skill who works then."""
    found = dict.fromkeys(Skill, 0)
    for maker in makers:
        minutes = maker.minutes_on(d, workshop)
        for skill in maker.skills:
            found[skill] += minutes
    return found


@dataclass(frozen=True)
class SkillCalendar:
    pool: Capacity
    """The whole workshop: each working maker's day counted once."""
    skills: Mapping[Skill, Capacity] = field(default_factory=lambda: MappingProxyType({}))
    """Skills somebody is scheduled for; the others (and work of no skill) use the pool."""

    def capacity_for(self, skill: Skill | None) -> Capacity:
        return self.skills.get(skill, self.pool) if skill is not None else self.pool


def skill_calendar(workshop: Capacity, makers: Sequence[MakerHours]) -> SkillCalendar:
    """The calendar of each skill and of the whole workshop. Without makers: the workshop's own."""
    if not makers:
        return SkillCalendar(workshop)
    specials = sorted(
        {d for m in makers for d in m.days_off}
        | {d for m in makers for d, _ in m.date_minutes}
        | {d for d, _ in workshop.date_minutes}
    )

    def calendar(members: list[MakerHours]) -> Capacity | None:
        week = tuple(
            sum(m.weekday_minutes[w] for m in members) if w in workshop.working_days else 0 for w in range(7)
        )
        if not any(week):
            return None
        return Capacity(
            maker_minutes_per_day=max(week),
            working_days=workshop.working_days,
            holidays=workshop.holidays,
            qa_pack_days=workshop.qa_pack_days,
            shipping_days=workshop.shipping_days,
            weekday_minutes=week,
            date_minutes=tuple(
                (d, sum(m.minutes_on(d, workshop) for m in members))
                for d in specials
                if d not in workshop.holidays
            ),
        )

    by_skill = {s: c for s in Skill if (c := calendar([m for m in makers if s in m.skills])) is not None}
    return SkillCalendar(calendar(list(makers)) or workshop, MappingProxyType(by_skill))


def order_skill_minutes(spec: BoxSpec, catalog: Catalog) -> dict[Skill | None, int]:
    """The order's maker minutes per skill: exactly the production jobs it will become."""
    found: dict[Skill | None, int] = {}
    for job in plan_jobs(spec, catalog):
        found[job.skill] = found.get(job.skill, 0) + job.maker_minutes
    return found


@dataclass(frozen=True)
class Workshop:
    """The calendar per skill and the work already queued per skill: what a new order waits behind."""

    calendar: SkillCalendar
    backlog: SkillMinutes = field(default_factory=lambda: MappingProxyType({}))

    def production_end(
        self, today: date, order: SkillMinutes, *, rush: bool = False
    ) -> tuple[date, Skill | None]:
        """The last production day of ``order`` and the skill that sets it (None: the whole workshop).

        A rush order goes to the front of every queue: no backlog.
        """
        backlog = {} if rush else self.backlog
        total = sum(max(m, 0) for m in backlog.values()) + sum(max(m, 0) for m in order.values())
        end, limiting = production_end(today, total, self.calendar.pool), None
        for skill, minutes in order.items():
            if skill is None or minutes <= 0:
                continue
            day = production_end(today, backlog.get(skill, 0) + minutes, self.calendar.capacity_for(skill))
            if day > end:
                end, limiting = day, skill
        return end, limiting

    def ship_date(self, today: date, order: SkillMinutes, *, rush: bool = False) -> date:
        """After the slowest skill is done: quality check and packing."""
        last, _ = self.production_end(today, order, rush=rush)
        return add_working_days(last, self.calendar.pool.qa_pack_days, self.calendar.pool)
