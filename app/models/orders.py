"""An order: the frozen snapshot of an approved design and its quote."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import status_type, utcnow
from configurator.states import ORDER, OrderStatus

if TYPE_CHECKING:
    from app.models.accounts import Organisation
    from app.models.designs import Design, Proof
    from app.models.production import ProductionJob


class Order(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("design.id"), unique=True)
    proof_id: Mapped[int] = mapped_column(ForeignKey("proof.id"))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Frozen snapshot of the approved design: later edits never change an order."""
    quote: Mapped[dict[str, Any]] = mapped_column(JSON)
    po_number: Mapped[str | None] = mapped_column(String(40))
    """The buyer's purchase-order number, entered when submitting (see ``configurator.billing``)."""
    cost_centre: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[OrderStatus] = mapped_column(status_type(OrderStatus), default=ORDER.initial, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    design: Mapped[Design] = relationship()
    proof: Mapped[Proof] = relationship()
    jobs: Mapped[list[ProductionJob]] = relationship(back_populates="order", order_by="ProductionJob.id")

    @property
    def minutes_left(self) -> int:
        """Maker minutes its jobs still hold: an order's remaining work is its jobs' (see ProductionJob)."""
        return sum(job.minutes_left for job in self.jobs)

    @property
    def reference(self) -> str:
        return f"GOH-{self.id:06d}"
