"""Accounts: password hashing, authentication, and ending sessions on the server."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.forms import parse_id
from app.models import Organisation, Role, User
from app.services import audit
from app.services.email_address import clean_email
from app.services.errors import Invalid

_hasher = PasswordHasher()
MIN_PASSWORD_CHARS = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


_SESSION_USER = select(User).options(joinedload(User.organisation)).where(User.id == bindparam("id"))
"""Built once, as every request asks; every page names the user's organisation, so one query for both."""


def session_user(session_id: str) -> User | None:
    """The active user a session's id (``"<user id>:<generation>"``) belongs to, if still current.

    A session from before the user's last logout or password change carries an old generation
    and is refused, so a copied cookie stops working everywhere at once.
    """
    user_part, _, generation = session_id.partition(":")
    user_id = parse_id(user_part)
    if user_id is None or not (generation.isascii() and generation.isdigit() and len(generation) <= 10):
        return None
    user = db.session.scalars(_SESSION_USER, {"id": user_id}).one_or_none()
    if user is None or user.session_generation != int(generation):
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session of ``user``, on every device (logout, password change). Commits.

    An atomic increment in the database, so two logouts at once both take effect.
    """
    db.session.execute(
        update(User).where(User.id == user.id).values(session_generation=User.session_generation + 1)
    )
    db.session.commit()
    db.session.refresh(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password after checking the current one; every other session ends. Commits.

    The caller logs the person in again (``login_user``) so the device they used stays signed in.
    """
    try:
        _hasher.verify(user.password_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise Invalid(
            "Your current password is not right.", {"current_password": "This is not your current password."}
        ) from None
    if len(new_password) < MIN_PASSWORD_CHARS:
        message = f"Use at least {MIN_PASSWORD_CHARS} characters."
        raise Invalid(message, {"new_password": message})
    user.password_hash = hash_password(new_password)
    audit.record(user, "user.password_changed", f"user:{user.id}", user.organisation_id)
    end_sessions(user)


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None (never say which part was wrong)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same time, so timing does not reveal which emails exist
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def create_user(
    email: str, password: str, role: Role, display_name: str, organisation: Organisation | None = None
) -> User:
    user = User(
        email=clean_email(email),
        password_hash=hash_password(password),
        role=role,
        display_name=display_name,
        organisation=organisation,
    )
    db.session.add(user)
    return user
