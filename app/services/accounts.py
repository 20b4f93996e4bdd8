"""Accounts: password hashing and authentication."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from app.extensions import db
from app.models import Organisation, Role, User

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


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
        email=email.lower(),
        password_hash=hash_password(password),
        role=role,
        display_name=display_name,
        organisation=organisation,
    )
    db.session.add(user)
    return user
