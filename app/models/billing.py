"""Invoices and the counters that number them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from configurator.vocabulary import PaymentTerms

if TYPE_CHECKING:
    from app.models.orders import Order


class NumberSequence(db.Model):
    """A counter for numbers that must never repeat or skip (invoices, credit notes).

    Taken with one ``UPDATE … SET next = next + 1 … RETURNING`` in the transaction that uses
    the number: the row lock serialises takers, and a rolled-back transaction gives its number back.
    """

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    next: Mapped[int] = mapped_column(default=1)


class Invoice(db.Model):
    """The invoice of a confirmed order: its number, the amount and when it falls due."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    payment_terms: Mapped[PaymentTerms] = mapped_column(db.Enum(PaymentTerms, native_enum=False, length=20))
    issued_on: Mapped[date]
    due_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship()

    @property
    def reference(self) -> str:
        return f"INV-{self.number:06d}"
