"""Organisation API tokens: made and revoked by an organisation admin, checked on every API call.

A token is ``goh_`` and 43 characters of ``secrets.token_urlsafe(32)`` (256 random bits). Only its
SHA-256 is stored: a slow hash such as argon2 protects guessable passwords, and nobody guesses
256 random bits, so it would only slow every API request down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from app.extensions import db
from app.models import ApiToken, User, utcnow
from app.services import audit
from app.services.errors import Conflict, Invalid, NotFound
from app.services.members import organisation_of_admin
from app.services.tokens import hash_token, new_token, plausible
from app.services.transaction import commits
from configurator.vocabulary import ApiScope

PREFIX = "goh_"
"""Marks our tokens, so secret scanners and people recognise one pasted where it should not be."""
SHOWN_CHARS = 8
"""How much of a token the settings page shows: enough to tell tokens apart, useless to an attacker."""
NAME_MAX = 80
USED_EVERY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token, so busy clients do not write per call."""


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    prefix: str
    scopes: tuple[ApiScope, ...]
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class TokensPage:
    organisation: str
    tokens: tuple[TokenRow, ...]
    scopes: tuple[ApiScope, ...] = tuple(ApiScope)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str
    """The whole token: shown once, on the page that made it, and never again."""


def tokens_page(admin: User) -> TokensPage:
    organisation = organisation_of_admin(admin)
    found = db.session.scalars(
        select(ApiToken).where(ApiToken.organisation_id == organisation.id).order_by(ApiToken.id.desc())
    )
    rows = tuple(
        TokenRow(
            id=t.id,
            name=t.name,
            prefix=t.prefix,
            scopes=tuple(ApiScope(s) for s in t.scopes),
            created_by=t.created_by.display_name,
            created_at=t.created_at,
            last_used_at=t.last_used_at,
            revoked_at=t.revoked_at,
        )
        for t in found
    )
    return TokensPage(organisation=organisation.name, tokens=rows)


def _scopes(raw: list[str]) -> list[str]:
    chosen = [scope for scope in ApiScope if scope.value in raw]
    if not chosen or len(chosen) != len(set(raw)):
        raise Invalid(
            "Choose what the token may do.", {"scopes": "Choose at least one of the scopes listed."}
        )
    return [scope.value for scope in chosen]


@commits
def create(admin: User, name: str, scopes: list[str]) -> NewToken:
    """Make a token for the admin's organisation; the returned secret is never stored."""
    organisation = organisation_of_admin(admin)
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise Invalid("Give the token a name.", {"name": "Name it after what uses it, e.g. “HR portal”."})
    secret, _ = new_token()
    secret = PREFIX + secret
    token = ApiToken(
        organisation_id=organisation.id,
        name=name,
        scopes=_scopes(scopes),
        token_hash=hash_token(secret),
        prefix=secret[: len(PREFIX) + SHOWN_CHARS],
        created_by_id=admin.id,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        admin, "api_token.created", f"organisation:{organisation.id}", organisation.id, token=token.id
    )
    return NewToken(token=token, secret=secret)


@commits
def revoke(admin: User, token_id: int) -> str:
    """Revoke a token at once (its next request is refused); returns its name."""
    organisation = organisation_of_admin(admin)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.organisation_id != organisation.id:
        raise NotFound("We could not find that token.")
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if revoked.rowcount != 1:
        raise Conflict(f"The token “{token.name}” was already revoked; nothing was changed.")
    audit.record(
        admin, "api_token.revoked", f"organisation:{organisation.id}", organisation.id, token=token.id
    )
    return token.name


@dataclass(frozen=True)
class Caller:
    """Who an API request acts as: the token, and the admin who made it (the services take a user)."""

    token_id: int
    organisation_id: int
    scopes: frozenset[ApiScope]
    user: User


def authenticate(secret: str) -> Caller | None:
    """The caller a bearer token stands for; None for an unknown or revoked one.

    The token acts as the admin who made it, inside their organisation: every rule of the web app
    (isolation, states, locks) then applies unchanged. An admin who leaves the organisation takes
    their tokens' rights with them.
    """
    if not secret.startswith(PREFIX) or not plausible(secret):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        return None
    user = token.created_by
    if not user.active or user.organisation_id != token.organisation_id or not user.is_buyer_side:
        return None
    _note_use(token)
    return Caller(token.id, token.organisation_id, frozenset(ApiScope(s) for s in token.scopes), user)


def _note_use(token: ApiToken) -> None:
    """Stamp ``last_used_at`` once a minute at most: a conditional UPDATE, so racing calls write once."""
    now = utcnow()
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - USED_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
