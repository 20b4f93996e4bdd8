"""Maker identities: pseudonyms, who is acting on a tablet, and staff adding or retiring makers."""

from __future__ import annotations

import re

from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Role, User
from app.services import audit
from app.services.errors import Conflict, Invalid, NotFound
from app.services.transaction import commits
from configurator.avatars import Avatar, every_avatar, first_free

UNUSABLE_PASSWORD = "!"  # noqa: S105 - not a hash, so no password ever matches: a pseudonym cannot log in


def makers(*, include_inactive: bool = False) -> list[User]:
    """Every maker by pseudonym, for the board's picker and staff's assign menu."""
    query = select(User).where(User.role == Role.MAKER).order_by(func.lower(User.display_name))
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query))


def pseudonyms_in(text: str) -> list[str]:
    """The maker pseudonyms ``text`` names (whole words, any case), for warning staff before
    their free text (a carrier, a reason) reaches a buyer. Retired makers count too: their name
    still points at a person."""
    if not text.strip():
        return []
    names = db.session.scalars(select(User.display_name).where(User.role == Role.MAKER))
    return sorted(
        {
            name
            for name in names
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE | re.UNICODE)
        },
        key=str.lower,
    )


def get_maker(maker_id: int | None) -> User | None:
    """An active maker by id, or None (a stale pick from a deactivated maker is simply dropped)."""
    if maker_id is None:
        return None
    maker = db.session.get(User, maker_id)
    if maker is None or maker.role != Role.MAKER or not maker.active:
        return None
    return maker


def acting_maker(login: User, picked_id: int | None) -> User | None:
    """Who is working: the maker logged in on a personal tablet, or the pseudonym picked on the shared one."""
    if login.role == Role.MAKER:
        return login
    if login.role == Role.WORKSHOP:
        return get_maker(picked_id)
    return None


def taken_avatars() -> set[Avatar]:
    rows = db.session.execute(
        select(User.avatar_colour, User.avatar_symbol).where(User.avatar_colour.is_not(None))
    )
    return {Avatar(colour, symbol) for colour, symbol in rows}


def _give_free_avatar(maker: User) -> None:
    """A picture nobody has; another one if a maker added at the same moment took it first."""
    for _attempt in range(5):
        free = first_free(taken_avatars())
        if free is None:
            return  # every picture is taken: the maker keeps their initial until one is freed
        try:
            with db.session.begin_nested():
                db.session.execute(
                    update(User)
                    .where(User.id == maker.id)
                    .values(avatar_colour=free.colour, avatar_symbol=free.symbol)
                )
        except IntegrityError:
            continue
        db.session.refresh(maker)
        return


def free_avatars(maker: User) -> list[Avatar]:
    """Pictures this maker may choose: nobody else's (their own included)."""
    taken = taken_avatars() - {maker.avatar}
    return [a for a in every_avatar() if a not in taken]


@commits
def choose_avatar(maker: User, colour: str, symbol: str) -> Avatar:
    """Give the maker this picture, unless another maker has it (then say so: nothing changes)."""
    try:
        avatar = Avatar(colour, symbol)
    except ValueError:
        raise Invalid(gettext("Choose one of the pictures."), {"avatar": "not offered"}) from None
    try:
        with db.session.begin_nested():
            db.session.execute(
                update(User).where(User.id == maker.id).values(avatar_colour=colour, avatar_symbol=symbol)
            )
    except IntegrityError:
        raise Conflict(gettext("Someone else has just chosen this picture. Please choose another.")) from None
    return avatar


@commits
def set_language(maker: User, language: str) -> None:
    """Remember the language this maker's board speaks (a key of ``app.i18n.LANGUAGES``)."""
    db.session.execute(update(User).where(User.id == maker.id).values(language=language))


@commits
def add_maker(staff: User | None, pseudonym: str) -> User:
    """A new maker: a pseudonym the maker chose, nothing else."""
    name = " ".join(pseudonym.split())
    if not 2 <= len(name) <= 40:
        raise Invalid("A pseudonym has 2 to 40 characters.", {"pseudonym": "2 to 40 characters"})
    taken = db.session.scalar(
        select(User.id).where(User.role == Role.MAKER, func.lower(User.display_name) == name.lower())
    )
    if taken:
        raise Invalid(f"“{name}” is already a maker's pseudonym.", {"pseudonym": "already taken"})
    maker = User(
        email=None,
        display_name=name,
        password_hash=UNUSABLE_PASSWORD,
        role=Role.MAKER,
        organisation=None,
    )
    db.session.add(maker)
    db.session.flush()
    _give_free_avatar(maker)
    audit.record(staff, "maker.added", f"user:{maker.id}", None, pseudonym=name)
    return maker


@commits
def set_maker_active(staff: User, maker_id: int, active: bool) -> User:
    maker = db.session.get(User, maker_id)
    if maker is None or maker.role != Role.MAKER:
        raise NotFound("We could not find that maker.")
    maker.active = active
    audit.record(staff, "maker.activated" if active else "maker.deactivated", f"user:{maker.id}", None)
    return maker
