"""Production: the jobs makers do, the workshop's capacity calendar and the shipments of finished orders."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    case,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import status_type, utcnow, values_of
from configurator.states import JOB, JobStatus
from configurator.vocabulary import QualityMark

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.orders import Order


class ProductionJob(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # a configurator.vocabulary.JobKind
    title: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[str | None] = mapped_column(String(60))
    colour: Mapped[str | None] = mapped_column(String(40))
    quantity: Mapped[int]
    quantity_done: Mapped[int] = mapped_column(default=0)
    maker_minutes: Mapped[int]
    priority: Mapped[int] = mapped_column(default=0, index=True)
    status: Mapped[JobStatus] = mapped_column(status_type(JobStatus), default=JOB.initial, index=True)
    maker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    """Changes on every claim, so a stale holder cannot move a job it no longer holds."""
    problem: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="jobs")
    maker: Mapped[User | None] = relationship()

    @hybrid_property
    def minutes_left(self) -> int:
        """Maker minutes still to do: none when done, and what a paused maker made is not counted again.

        The one definition of a job's remaining work, in Python and (below) in SQL: the plan,
        the backlog behind every delivery estimate and an order's progress read it, and the
        split of a short finish shares the minutes out the same way (:meth:`minutes_for`).
        """
        if self.status == JobStatus.DONE:
            return 0
        return self.minutes_for(self.quantity - self.quantity_done)

    @minutes_left.inplace.expression
    @classmethod
    def _minutes_left_expression(cls) -> ColumnElement[int]:
        return case(
            (or_(cls.status == JobStatus.DONE, cls.quantity == 0), 0),
            else_=_share(cls.maker_minutes, cls.quantity - cls.quantity_done, cls.quantity),
        )

    def minutes_for(self, units: int) -> int:
        """The maker minutes of ``units`` of this job's quantity: its minutes shared out evenly."""
        return _share(self.maker_minutes, units, self.quantity) if self.quantity else 0


def _share(minutes: Any, part: Any, whole: Any) -> Any:
    """``minutes * part / whole`` rounded half up, in integers: the same answer in Python and in SQL."""
    return (2 * minutes * part + whole) // (2 * whole)


class CapacityDay(db.Model):
    """Paid maker minutes on one weekday (0 is Monday), set by staff; 0 means closed."""

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("maker_minutes >= 0", name="minutes_not_negative"),
    )

    weekday: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    maker_minutes: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CapacityException(db.Model):
    """One date that differs from its weekday: a holiday (0 minutes), a short or extra day."""

    __table_args__ = (CheckConstraint("maker_minutes >= 0", name="minutes_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    maker_minutes: Mapped[int]
    note: Mapped[str] = mapped_column(String(120), default="")


class Shipment(db.Model):
    """A parcel (or pallet) of an order handed to a carrier; an order may ship in several."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(60))
    tracking_number: Mapped[str] = mapped_column(String(80))
    boxes: Mapped[int]
    shipped_at: Mapped[datetime] = mapped_column(default=utcnow)
    shipped_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    order: Mapped[Order] = relationship()
    shipped_by: Mapped[User | None] = relationship()


class QualityCheckMark(db.Model):
    """Staff's mark on one line of an order's quality check (the lines come from the order's spec,
    ``configurator.quality.checklist``): ticked, or an exception with the note that explains it."""

    __tablename__ = "quality_mark"
    __table_args__ = (UniqueConstraint("order_id", "line_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), index=True)
    line_key: Mapped[str] = mapped_column(String(40))
    mark: Mapped[QualityMark] = mapped_column(
        db.Enum(
            QualityMark,
            native_enum=False,
            create_constraint=True,
            validate_strings=True,
            length=12,
            values_callable=values_of,
            name="mark",
        )
    )
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship()
    marked_by: Mapped[User] = relationship()


class MakerSchedule(db.Model):
    """The kinds of work one maker does and their usual minutes per weekday, as staff set them.

    A maker without a row does every skill, with an even share of the workshop's hours.
    """

    maker_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True, autoincrement=False)
    skills: Mapped[list[str]] = mapped_column(JSON)  # configurator.vocabulary.Skill values
    weekday_minutes: Mapped[list[int]] = mapped_column(JSON)  # Monday first, 7 numbers; 0 is a day off
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MakerDayOff(db.Model):
    """Dates a maker does not work, from ``first_day`` to ``last_day`` inclusive (a day or a week off)."""

    __table_args__ = (CheckConstraint("last_day >= first_day", name="days_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    maker_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    note: Mapped[str] = mapped_column(String(120), default="")
