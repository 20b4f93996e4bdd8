"""Where a design's boxes go: its delivery address, and the copy frozen into its order.

Personal data (a contact's name, phone and address): seen by the organisation's users and by
staff only, never logged or put into audit events (those carry the row's id).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow
from configurator.addresses import LIMITS, Address


class DeliveryAddress(db.Model):
    """The one address boxes go to (all of them, or the office share of a split).

    A row belongs to a draft design (edited on the wizard's delivery step) or to an order (the
    copy made when the order is created, so later edits of the design never move a parcel).
    """

    __tablename__ = "delivery_address"
    __table_args__ = (
        CheckConstraint("(design_id IS NULL) <> (order_id IS NULL)", name="design_or_order"),
        CheckConstraint("boxes IS NULL OR boxes > 0", name="boxes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    design_id: Mapped[int | None] = mapped_column(ForeignKey("design.id"), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id"), unique=True)
    boxes: Mapped[int | None]
    """For a split delivery, how many boxes go here (the rest go to recipients); None otherwise."""
    country: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(LIMITS["name"]))
    company: Mapped[str] = mapped_column(String(LIMITS["company"]), default="")
    street: Mapped[str] = mapped_column(String(LIMITS["street"]))
    city: Mapped[str] = mapped_column(String(LIMITS["city"]), default="")
    city_area: Mapped[str] = mapped_column(String(LIMITS["city_area"]), default="")
    region: Mapped[str] = mapped_column(String(LIMITS["region"]), default="")
    postal_code: Mapped[str] = mapped_column(String(LIMITS["postal_code"]), default="")
    phone: Mapped[str] = mapped_column(String(LIMITS["phone"]), default="")
    instructions: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[str] = mapped_column(String(LIMITS["hours"]), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def address(self) -> Address:
        """The plain value the pure rules and renderers take."""
        return Address(**{name: getattr(self, name) or "" for name in Address.__dataclass_fields__})

    def set_address(self, address: Address) -> None:
        for name, value in address.as_dict().items():
            setattr(self, name, value)

    def __repr__(self) -> str:  # ids only: an address never reaches a log through a repr
        return f"<DeliveryAddress {self.id} design={self.design_id} order={self.order_id}>"
