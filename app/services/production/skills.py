"""Each maker's skills, usual hours and days off, as staff set them, and the calendar per skill they make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Role, User
from app.models.production import MakerDayOff, MakerSchedule
from app.services import audit
from app.services.errors import Invalid, NotFound
from app.services.production._shared import Version, backlog_version, remembered, today
from app.services.production.capacity import current_capacity
from app.services.production.identities import makers
from app.services.transaction import commits
from configurator.leadtime import Capacity
from configurator.skills import MakerHours, SkillCalendar, default_hours, skill_calendar
from configurator.vocabulary import Skill

MAX_DAY_MINUTES = 16 * 60
"""Nobody's usual day is longer than this."""
MAX_DAYS_OFF = 366
"""One absence spans at most a year; a longer one is a maker who left (hide them instead)."""


@dataclass(frozen=True)
class MakerWeek:
    """What the makers page shows of one maker: their skills, hours per weekday and days off ahead."""

    maker: User
    skills: frozenset[Skill]
    weekday_minutes: tuple[int, ...]
    days_off: tuple[MakerDayOff, ...]
    own: bool
    """False while the maker is on the default: every skill, an even share of the workshop's hours."""


def _hours(schedule: MakerSchedule | None, workshop: Capacity, active: int, index: int) -> MakerHours:
    if schedule is None or active == 0:
        return default_hours(workshop, max(active, 1), index)
    return MakerHours(frozenset(Skill(s) for s in schedule.skills), tuple(schedule.weekday_minutes))


def maker_weeks() -> list[MakerWeek]:
    """Every maker (hidden ones too) with their week, for staff's makers page."""
    everyone = makers(include_inactive=True)
    schedules = {s.maker_id: s for s in db.session.scalars(select(MakerSchedule))}
    absences: dict[int, list[MakerDayOff]] = {}
    for row in db.session.scalars(
        select(MakerDayOff).where(MakerDayOff.last_day >= today()).order_by(MakerDayOff.first_day)
    ):
        absences.setdefault(row.maker_id, []).append(row)
    workshop = current_capacity()
    active = [m.id for m in everyone if m.active]
    found = []
    for maker in everyone:
        index = active.index(maker.id) if maker.id in active else 0
        hours = _hours(schedules.get(maker.id), workshop, len(active), index)
        found.append(
            MakerWeek(
                maker,
                hours.skills,
                hours.weekday_minutes,
                tuple(absences.get(maker.id, ())),
                maker.id in schedules,
            )
        )
    return found


def calendar(version: Version | None = None) -> SkillCalendar:
    """The calendar of every skill from the active makers' hours (read once per backlog version:
    every change of a maker, their hours or days off writes an audit event)."""
    version = version or backlog_version()
    workshop = current_capacity(version)
    return remembered(("skill_calendar", version), lambda: _read_calendar(workshop))


def _read_calendar(workshop: Capacity) -> SkillCalendar:
    active = [m.id for m in makers()]
    schedules = {s.maker_id: s for s in db.session.scalars(select(MakerSchedule))}
    off: dict[int, set[date]] = {}
    for row in db.session.scalars(select(MakerDayOff).where(MakerDayOff.last_day >= today())):
        days = off.setdefault(row.maker_id, set())
        days.update(row.first_day + timedelta(days=n) for n in range((row.last_day - row.first_day).days + 1))
    hours = []
    for index, maker_id in enumerate(active):
        usual = _hours(schedules.get(maker_id), workshop, len(active), index)
        hours.append(
            MakerHours(
                usual.skills, usual.weekday_minutes, frozenset(off.get(maker_id, ())), usual.date_minutes
            )
        )
    return skill_calendar(workshop, hours)


def _maker(maker_id: int) -> User:
    maker = db.session.get(User, maker_id)
    if maker is None or maker.role != Role.MAKER:
        raise NotFound("We could not find that maker.")
    return maker


@commits
def save_maker_week(staff: User, maker_id: int, skills: list[str], weekday_minutes: list[int]) -> None:
    """Set the kinds of work a maker does and their usual minutes Monday..Sunday (0: day off)."""
    maker = _maker(maker_id)
    problems = {}
    if not skills or not all(Skill.has(s) for s in skills):
        problems["skills"] = "Choose at least one kind of work."
    for day, minutes in enumerate(weekday_minutes):
        if not 0 <= minutes <= MAX_DAY_MINUTES:
            problems[f"day{day}"] = f"Enter hours from 0 to {MAX_DAY_MINUTES // 60}."
    if len(weekday_minutes) != 7:
        problems["day0"] = "Enter hours for each day of the week."
    if problems:
        raise Invalid(
            f"{maker.display_name}'s week was not saved: please correct the marked fields.", problems
        )
    chosen = sorted(set(skills), key=list(Skill).index)
    row = db.session.get(MakerSchedule, maker.id)
    if row is None:
        db.session.add(MakerSchedule(maker_id=maker.id, skills=chosen, weekday_minutes=list(weekday_minutes)))
    else:
        row.skills, row.weekday_minutes = chosen, list(weekday_minutes)
    audit.record(staff, "maker.week", f"user:{maker.id}", None, skills=chosen, minutes=list(weekday_minutes))


@commits
def add_day_off(staff: User, maker_id: int, first_day: date, last_day: date | None, note: str) -> MakerDayOff:
    """A maker's day off, or days off from ``first_day`` to ``last_day`` inclusive."""
    maker = _maker(maker_id)
    last = last_day or first_day
    if last < first_day:
        raise Invalid("The last day off comes before the first.", {"last_day": "before the first day"})
    if (last - first_day).days >= MAX_DAYS_OFF:
        raise Invalid("Days off span a year at most.", {"last_day": "more than a year after the first day"})
    row = MakerDayOff(maker_id=maker.id, first_day=first_day, last_day=last, note=note.strip()[:120])
    db.session.add(row)
    audit.record(
        staff, "maker.days_off", f"user:{maker.id}", None, first=first_day.isoformat(), last=last.isoformat()
    )
    return row


@commits
def remove_day_off(staff: User, day_off_id: int) -> None:
    row = db.session.get(MakerDayOff, day_off_id)
    if row is None:
        raise NotFound("We could not find those days off.")
    audit.record(
        staff, "maker.days_off_removed", f"user:{row.maker_id}", None, first=row.first_day.isoformat()
    )
    db.session.delete(row)
