"""The workshop calendar: maker minutes per weekday and on special dates, as staff set them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.models.production import CapacityDay, CapacityException
from app.services import audit
from app.services.errors import Invalid, NotFound
from app.services.production._shared import Version, backlog_version, remembered
from configurator.leadtime import Capacity

DEFAULT_CAPACITY = Capacity()


def weekday_minutes() -> list[int]:
    """Maker minutes for Monday..Sunday as staff set them (the defaults where they have not)."""
    rows = {r.weekday: r.maker_minutes for r in db.session.scalars(select(CapacityDay))}
    default = [
        DEFAULT_CAPACITY.maker_minutes_per_day if d in DEFAULT_CAPACITY.working_days else 0 for d in range(7)
    ]
    return [rows.get(d, default[d]) for d in range(7)]


def exceptions(from_day: date | None = None) -> list[CapacityException]:
    query = select(CapacityException).order_by(CapacityException.day)
    if from_day is not None:
        query = query.where(CapacityException.day >= from_day)
    return list(db.session.scalars(query))


def current_capacity(version: Version | None = None) -> Capacity:
    """The workshop calendar staff set: minutes per weekday, holidays and special days.

    Read once per backlog version: every change of the hours writes an audit event.
    """
    return remembered(("capacity", version or backlog_version()), _read_capacity)


def _read_capacity() -> Capacity:
    minutes = weekday_minutes()
    working = frozenset(d for d in range(7) if minutes[d] > 0)
    special = exceptions()
    if not working or (not special and db.session.scalar(select(func.count()).select_from(CapacityDay)) == 0):
        # Nothing set yet (or a hand-edited table with no open day; the settings page refuses that).
        return DEFAULT_CAPACITY
    return Capacity(
        maker_minutes_per_day=max(minutes),
        working_days=working,
        holidays=frozenset(x.day for x in special if x.maker_minutes == 0),
        weekday_minutes=tuple(minutes),
        date_minutes=tuple((x.day, x.maker_minutes) for x in special if x.maker_minutes > 0),
        qa_pack_days=DEFAULT_CAPACITY.qa_pack_days,
        shipping_days=DEFAULT_CAPACITY.shipping_days,
    )


def save_weekdays(staff: User, minutes: list[int]) -> None:
    """Set maker minutes for Monday..Sunday (0 closes the day)."""
    if len(minutes) != 7 or any(m < 0 or m > 24 * 60 * 50 for m in minutes):
        raise Invalid("Enter hours from 0 to 1200 for each day.")
    if not any(minutes):
        raise Invalid("The workshop needs at least one day with maker hours.")
    rows = {r.weekday: r for r in db.session.scalars(select(CapacityDay))}
    for day, value in enumerate(minutes):
        if day in rows:
            rows[day].maker_minutes = value
        else:
            db.session.add(CapacityDay(weekday=day, maker_minutes=value))
    audit.record(staff, "capacity.weekdays", "capacity", None, minutes=minutes)
    db.session.commit()


def save_exception(staff: User, day: date, minutes: int, note: str) -> None:
    """Set one date's maker minutes (0: closed), replacing what that date had."""
    if not 0 <= minutes <= 24 * 60 * 50:
        raise Invalid("Enter hours from 0 to 1200.")
    row = db.session.scalar(select(CapacityException).where(CapacityException.day == day))
    if row is None:
        row = CapacityException(day=day, maker_minutes=minutes, note=note.strip()[:120])
        db.session.add(row)
    else:
        row.maker_minutes, row.note = minutes, note.strip()[:120]
    audit.record(staff, "capacity.date", "capacity", None, day=day.isoformat(), minutes=minutes)
    db.session.commit()


def delete_exception(staff: User, exception_id: int) -> None:
    row = db.session.get(CapacityException, exception_id)
    if row is None:
        raise NotFound("We could not find that date.")
    audit.record(staff, "capacity.date_removed", "capacity", None, day=row.day.isoformat())
    db.session.delete(row)
    db.session.commit()
