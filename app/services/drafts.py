"""A design's draft: its spec read for editing (refusing stale tabs) and committed back.

Shared by the design use cases and the logo ones (:mod:`app.services.branding`), below both.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Design
from app.services.errors import Conflict
from configurator.spec import BoxSpec
from configurator.states import DESIGN, IllegalTransition

STALE = "This design was changed in another tab or by a colleague. We reloaded the latest version; please check it and try again."


def editable_spec(design: Design, revision: int) -> BoxSpec:
    """The spec of a draft the user saw at ``revision``; refuses stale tabs and submitted designs."""
    if design.revision != revision:
        raise Conflict(STALE)
    refuse_unless_draft(design)
    return BoxSpec.from_dict(design.spec)


def refuse_unless_draft(design: Design) -> None:
    """Conflict unless the design may be edited (a submitted design is frozen, its recipients too)."""
    try:
        DESIGN.next(design.status, "edit")
    except IllegalTransition as exc:
        raise Conflict(
            "This design has been submitted for a proof. Ask for changes on the proof to edit it again."
        ) from exc


def is_draft(design: Design) -> bool:
    return "edit" in DESIGN.allowed(design.status)


def commit_spec(design: Design, spec: BoxSpec) -> None:
    design.spec = spec.to_dict()
    commit_or_conflict()


def commit_or_conflict() -> None:
    """Commit a change to a design; a concurrent change to it (its revision moved) is a Conflict."""
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise Conflict(STALE) from exc
