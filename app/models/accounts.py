"""Who uses the system: organisations, their people, and the roles that decide what each may do."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Numeric, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from configurator.avatars import Avatar
from configurator.vocabulary import MEMBER_ROLES, PageSize, PaymentTerms, Role, TaxStatus


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approval_threshold: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    """Orders above this total need the buyer-side approval of an approver; None: no such rule."""
    page_size: Mapped[str] = mapped_column(
        String(10), default=PageSize.LETTER, server_default=PageSize.LETTER.value
    )
    """Paper size of this organisation's PDF proofs, a :class:`~configurator.vocabulary.PageSize`."""
    billing_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Where invoices go: :meth:`configurator.addresses.Address.as_dict`, checked before saving."""
    billing_contact_name: Mapped[str | None] = mapped_column(String(100))
    billing_contact_email: Mapped[str | None] = mapped_column(String(254))
    tax_status: Mapped[TaxStatus] = mapped_column(
        db.Enum(TaxStatus, native_enum=False, length=20),
        default=TaxStatus.TAXABLE,
        server_default=TaxStatus.TAXABLE.name,
    )
    tax_certificate: Mapped[str | None] = mapped_column(String(60))
    """The exemption certificate's number; set exactly when ``tax_status`` is exempt."""
    payment_terms: Mapped[PaymentTerms] = mapped_column(
        db.Enum(PaymentTerms, native_enum=False, length=20),
        default=PaymentTerms.DUE_ON_RECEIPT,
        server_default=PaymentTerms.DUE_ON_RECEIPT.name,
    )
    po_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Every order needs a purchase-order number before it is submitted."""

    users: Mapped[list[User]] = relationship(back_populates="organisation")


class User(UserMixin, db.Model):
    __table_args__ = (UniqueConstraint("avatar_colour", "avatar_symbol", name="uq_user_avatar"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    """None for makers: a maker is a pseudonym only and works through the workshop login."""
    display_name: Mapped[str] = mapped_column(String(120))
    """For makers, the pseudonym they chose; never shown to buyers."""
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(db.Enum(Role, native_enum=False, length=20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    language: Mapped[str | None] = mapped_column(String(8))
    """The language a maker's board speaks (a key of ``app.i18n.LANGUAGES``); None: not chosen yet."""
    avatar_colour: Mapped[str | None] = mapped_column(String(10))
    avatar_symbol: Mapped[str | None] = mapped_column(String(10))
    """A maker's picture on the tablet (``configurator.avatars``); unique together."""
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    """A staff member's PIN (argon2), which lets the workshop tablet leave its kiosk."""

    @property
    def avatar(self) -> Avatar | None:
        if self.avatar_colour is None or self.avatar_symbol is None:
            return None
        return Avatar(self.avatar_colour, self.avatar_symbol)

    """Part of every session's user id: logout and a password change bump it, so every earlier
    session (a copied cookie, the shared tablet's last login) stops working on the server."""

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    def get_id(self) -> str:
        """Flask-Login's id in the session cookie: the user id and the current session generation."""
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot log in
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_kiosk(self) -> bool:
        """The shared workshop tablet: makers there see no way out (a staff PIN unlocks it)."""
        return self.role == Role.WORKSHOP

    @property
    def is_buyer_side(self) -> bool:
        """A member of a buyer organisation (buyer, approver or organisation admin)."""
        return self.role in MEMBER_ROLES

    @property
    def is_organisation_admin(self) -> bool:
        """Manages the organisation: its members, invitations and settings."""
        return self.role == Role.ORGANISATION_ADMIN and self.organisation_id is not None

    def holds(self, role: Role) -> bool:
        """Whether this user has ``role``'s rights (an organisation admin is also an approver)."""
        return self.role.holds(role)


class Invitation(db.Model):
    """An organisation admin's invitation of a colleague, by e-mail: single use, expiring.

    Only the token's SHA-256 is stored. ``accepted_at`` and ``revoked_at`` are each set once by a
    conditional UPDATE, so an invitation accepted twice at once makes one account.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(db.Enum(Role, native_enum=False, length=20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])


class PasswordReset(db.Model):
    """A request to reset a password, kept whether or not the address has an account.

    Asking costs the same either way (one row, one e-mail); only a row with a ``user_id`` has a
    link that works. ``used_at`` is set once, by a conditional UPDATE: the link is single use.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()
