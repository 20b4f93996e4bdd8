"""The workshop tablet as a kiosk: makers cannot leave it; a staff member's PIN can.

A PIN is short, so it opens nothing on its own: it only lets the tablet log out (staff then
log in with their password). Attempts are rate-limited at the view.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User
from app.services import audit
from app.services.errors import Invalid
from app.services.transaction import commits

PIN_DIGITS = range(6, 13)
"""A PIN has 6 to 12 digits."""
_hasher = PasswordHasher()


def checked_pin(pin: str) -> str:
    pin = pin.strip()
    if not (pin.isascii() and pin.isdigit() and len(pin) in PIN_DIGITS):
        raise Invalid(
            "A PIN has 6 to 12 digits.",
            {"pin": f"{PIN_DIGITS.start} to {PIN_DIGITS.stop - 1} digits, nothing else"},
        )
    return pin


@commits
def set_pin(staff: User, pin: str) -> None:
    """Set the PIN with which this staff member unlocks the workshop tablet."""
    staff.pin_hash = _hasher.hash(checked_pin(pin))
    audit.record(staff, "staff.pin_set", f"user:{staff.id}", None)


def unlocking_staff(pin: str) -> User | None:
    """The active staff member whose PIN this is, or None."""
    if not (pin.isascii() and pin.isdigit() and len(pin) in PIN_DIGITS):
        return None
    holders = db.session.scalars(
        select(User).where(User.role == Role.STAFF, User.active.is_(True), User.pin_hash.is_not(None))
    )
    for staff in holders:
        try:
            _hasher.verify(staff.pin_hash or "", pin)
        except (VerificationError, InvalidHashError):
            continue
        return staff
    return None


@commits
def record_unlock(tablet: User, staff: User) -> None:
    audit.record(staff, "workshop.unlocked", f"user:{tablet.id}", None)
