"""Invoices and the counters that number them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from configurator.vocabulary import PaymentMethod, PaymentSource, PaymentTerms

if TYPE_CHECKING:
    from app.models.accounts import User
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
    deposit_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=0, server_default="0")
    """The deposit this invoice asks for before production, as a percentage (0: none), set at issue."""
    deposit: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=0, server_default="0")
    """That deposit in dollars (``configurator.payments.deposit_for``); above 0 the balance is due before shipping."""

    order: Mapped[Order] = relationship()
    payments: Mapped[list[Payment]] = relationship(
        back_populates="invoice", order_by="Payment.received_on, Payment.id"
    )

    @property
    def reference(self) -> str:
        return f"INV-{self.number:06d}"


class Payment(db.Model):
    """Money received against an invoice: recorded by staff, or later confirmed by a card provider.

    ``provider`` says who vouches for it and ``provider_reference`` is that provider's own id of
    the payment (none for staff's records); the pair is unique, so a provider's confirmation that
    arrives twice is recorded once. See ``app.services.payments``.
    """

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("provider", "provider_reference", name="uq_payment_provider_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    received_on: Mapped[date]
    method: Mapped[PaymentMethod] = mapped_column(db.Enum(PaymentMethod, native_enum=False, length=20))
    reference: Mapped[str] = mapped_column(String(80), default="")
    """What identifies the money for our accounts: the bank's reference, the cheque number."""
    provider: Mapped[PaymentSource] = mapped_column(
        db.Enum(PaymentSource, native_enum=False, length=20), default=PaymentSource.MANUAL
    )
    provider_reference: Mapped[str | None] = mapped_column(String(120))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    """The staff member who recorded it; None for a provider's confirmation."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    invoice: Mapped[Invoice] = relationship(back_populates="payments")
    recorded_by: Mapped[User | None] = relationship()


class DepositSetting(db.Model):
    """The deposit staff ask for on large orders: one row, written when they first change it.

    No row: ``configurator.payments.DEFAULT_DEPOSIT``. An invoice keeps the deposit it was issued
    with, so a change here applies to orders confirmed from then on.
    """

    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("above >= 0", name="above_not_negative"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    above: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    """Orders totalling more than this ask for a deposit."""
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class CreditNote(db.Model):
    """The credit note a cancelled order's invoice gets: its own number, what it credits and why.

    One per invoice (an order is cancelled once). ``amount`` is the invoice total less what the
    cancellation still charges; ``refund`` is what was paid beyond that charge, to be paid back
    (``configurator.cancellation``).
    """

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("refund >= 0", name="refund_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    charge: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    """What the cancellation keeps of the invoice (the makers' work done)."""
    refund: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(String(500))
    issued_on: Mapped[date] = mapped_column(index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    invoice: Mapped[Invoice] = relationship()

    @property
    def reference(self) -> str:
        return f"CN-{self.number:06d}"
