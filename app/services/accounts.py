"""Accounts: password hashing, authentication, and ending sessions on the server."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.forms import parse_id
from app.models import Organisation, PasswordReset, Role, User, utcnow
from app.services import audit
from app.services.email_address import NotAnEmail, clean_email
from app.services.errors import Invalid, NotFound
from app.services.notifications import external_url, send_to_address
from app.services.share_links import LinkClosed
from app.services.tokens import hash_token, new_token, plausible
from app.services.transaction import commits
from configurator.rules import normalise_text
from configurator.text import hidden_characters_message

_hasher = PasswordHasher()
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1000
"""Argon2 takes any length; a megabyte of password would only cost us the time to hash it."""


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
    if user is None or not user.active or user.session_generation != int(generation):
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
    user.password_hash = hash_password(checked_password(new_password))
    _close_resets(user.id)
    audit.record(user, "user.password_changed", f"user:{user.id}", user.organisation_id)
    end_sessions(user)


def checked_password(password: str, field: str = "new_password") -> str:
    """``password`` if it is long enough to be a password, else Invalid at ``field``."""
    if len(password) < MIN_PASSWORD_CHARS:
        message = f"Use at least {MIN_PASSWORD_CHARS} characters."
        raise Invalid(message, {field: message})
    if len(password) > MAX_PASSWORD_CHARS:
        message = f"Use at most {MAX_PASSWORD_CHARS} characters."
        raise Invalid(message, {field: message})
    return password


def checked_name(name: str) -> str:
    """A person's display name on one line, without invisible characters, else Invalid."""
    name = " ".join(normalise_text(name).split(" "))
    name = " ".join(part for part in name.split(" ") if part)[:120]
    if not name:
        raise Invalid("Enter your name.", {"display_name": "Enter your name."})
    if hidden := hidden_characters_message(name, "name", single_line=True):
        raise Invalid(hidden, {"display_name": hidden})
    return name


# --- Password reset --------------------------------------------------------------------------

RESET_MINUTES = 60
RESET_UNKNOWN = "password_reset_unknown"


def _active_user(email: str) -> User | None:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    return user if user is not None and user.active else None


@commits
def request_reset(email: str) -> None:
    """Send a reset link to ``email`` if an active account uses it, else an email saying none does.

    Both ways do the same work (one lookup, one reset row, one email) and the caller shows the
    same page, so neither the answer nor its timing tells whether the address has an account.
    """
    try:
        address = clean_email(email)
    except NotAnEmail as exc:
        raise Invalid(str(exc), {"email": str(exc)}) from None
    user = _active_user(address)
    token, token_hash = new_token()
    reset = PasswordReset(
        user_id=user.id if user else None,
        email=address,
        token_hash=token_hash,
        expires_at=utcnow() + timedelta(minutes=RESET_MINUTES),
    )
    db.session.add(reset)
    db.session.flush()
    event = "password_reset" if user else RESET_UNKNOWN
    url = external_url("auth.reset_password", token=token)
    send_to_address(event, address, f"{event}:{reset.id}", url=url, minutes=RESET_MINUTES)
    audit.record(
        None, "password_reset.requested", f"password_reset:{reset.id}", user and user.organisation_id
    )


def open_reset(token: str) -> PasswordReset:
    """The usable reset for ``token``: unknown -> NotFound; used or expired -> LinkClosed."""
    reset = None
    if plausible(token):
        reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == hash_token(token)))
    if reset is None or reset.user_id is None:
        raise NotFound("This reset link is not valid. Please check that you copied all of it.")
    if reset.used_at is not None:
        raise LinkClosed("This reset link has already been used. Ask for a new one if you need it.", "used")
    if reset.expires_at <= utcnow():
        raise LinkClosed("This reset link has expired. Ask for a new one below.", "expired")
    return reset


@commits
def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link; the link is spent and every session ends.

    Spending the link is one conditional UPDATE: of two uses at once, one sets the password
    and the other is told the link was used.
    """
    reset = open_reset(token)
    password_hash = hash_password(checked_password(new_password))
    spent = db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == reset.id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > utcnow()
        )
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        raise LinkClosed("This reset link has just been used. Log in with the new password.", "used")
    user = db.session.get(User, reset.user_id)
    if user is None or not user.active:
        raise NotFound("This reset link is not valid any more.")
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(password_hash=password_hash, session_generation=User.session_generation + 1)
    )
    _close_resets(user.id)
    audit.record(user, "user.password_reset", f"user:{user.id}", user.organisation_id)
    db.session.flush()
    db.session.refresh(user)
    return user


def _close_resets(user_id: int) -> None:
    """A new password spends every reset link still open for the account."""
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )


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
