"""The organisation rule in one place: staff see everything, everyone else only their organisation's."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select

from app.extensions import db
from app.models import Organisation, Role, User
from app.services.errors import Forbidden, NotFound

M = TypeVar("M")


def visible(user: User, model: Any, query: Select) -> Select:
    """Restrict a query over an organisation-owned ``model`` to what ``user`` may see."""
    return query if user.is_staff else query.where(model.organisation_id == user.organisation_id)


def get_visible(user: User, model: type[M], object_id: int, noun: str) -> M:
    """One organisation-owned object; another organisation's is 'not found', never 'forbidden'."""
    return shown_to(user, db.session.get(model, object_id), noun)


def shown_to(user: User, found: M | None, noun: str) -> M:
    """``found`` if ``user`` may see it; NotFound when it is missing or another organisation's."""
    if found is None or not (user.is_staff or found.organisation_id == user.organisation_id):
        raise NotFound(f"We could not find that {noun}.")
    return found


def require_admin(user: User, organisation: Organisation) -> None:
    """Only the organisation's own admin (or ours) changes how the organisation works."""
    if not (
        user.role == Role.ADMIN or (user.is_organisation_admin and user.organisation_id == organisation.id)
    ):
        raise Forbidden("Only your organisation's admin can change this.")
