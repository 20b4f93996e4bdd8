"""Designs: create, edit and submit a box design for a proof."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Design, Proof, User
from app.services import audit
from app.services.errors import Conflict, Invalid, NotFound
from configurator.catalog import load_catalog
from configurator.rules import check, check_draft, normalise_text
from configurator.spec import BoxSpec
from configurator.states import DESIGN, IllegalTransition

STALE = "This design was changed in another tab or by a colleague. We reloaded the latest version; please check it and try again."


def designs_for(user: User) -> list[Design]:
    """The designs of the user's organisation, newest first (staff see every design)."""
    query = select(Design).order_by(Design.updated_at.desc())
    if not user.is_staff:
        query = query.where(Design.organisation_id == user.organisation_id)
    return list(db.session.scalars(query))


def get_design(user: User, design_id: int) -> Design:
    design = db.session.get(Design, design_id)
    if design is None or not (user.is_staff or design.organisation_id == user.organisation_id):
        raise NotFound("We could not find that design.")
    return design


def create_from_classic(user: User, classic_id: str) -> Design:
    classic = load_catalog().classics.get(classic_id)
    if classic is None:
        raise NotFound("We could not find that classic box.")
    design = Design(
        organisation_id=user.organisation_id,
        created_by_id=user.id,
        name=classic.name,
        spec=classic.spec.to_dict(),
    )
    db.session.add(design)
    db.session.flush()
    audit.record(user, "design.created", f"design:{design.id}", user.organisation_id, classic=classic_id)
    db.session.commit()
    return design


def _violations(spec: BoxSpec, *, draft: bool) -> dict[str, str]:
    found = (check_draft if draft else check)(spec, load_catalog())
    out: dict[str, str] = {}
    for v in found:
        out.setdefault(v.field, v.message)
    return out


def update_card(
    design: Design, user: User, revision: int, message: str, sign_off: str, quantity: int
) -> None:
    """Save the message card and quantity of a draft; refuse a save from a stale tab."""
    if design.revision != revision:
        raise Conflict(STALE)
    try:
        DESIGN.next(design.status, "edit")
    except IllegalTransition as exc:
        raise Conflict("This design is waiting for proof approval; ask for changes to edit it.") from exc
    spec = BoxSpec.from_dict(design.spec).replace(
        message=normalise_text(message), sign_off=normalise_text(sign_off), quantity=quantity
    )
    problems = _violations(spec, draft=True)
    if problems:
        raise Invalid("Please correct the highlighted fields.", problems)
    design.spec = spec.to_dict()
    _commit_or_conflict()


def submit(design: Design, user: User, revision: int) -> Proof:
    """Submit a draft for a proof. Idempotent: a double click returns the proof already made."""
    latest = design.latest_proof
    if design.status == "submitted" and latest is not None and design.revision == revision + 1:
        return latest  # the second click of a double submit: same design state, same proof
    if design.revision != revision:
        raise Conflict(STALE)
    spec = BoxSpec.from_dict(design.spec)
    problems = _violations(spec, draft=False)
    if problems:
        raise Invalid("Please correct the highlighted fields before asking for a proof.", problems)
    try:
        design.status = DESIGN.next(design.status, "submit")
    except IllegalTransition as exc:
        raise Conflict("This design has already been submitted.") from exc
    proof = Proof(
        design=design,
        version=(latest.version + 1) if latest else 1,
        spec=spec.to_dict(),
        spec_hash=spec.content_hash(),
        status="queued",
    )
    db.session.add(proof)
    db.session.flush()
    audit.record(user, "design.submitted", f"design:{design.id}", design.organisation_id, proof=proof.version)
    try:
        _commit_or_conflict()
    except Conflict:
        # Two submits raced; the one that won made the proof, which is what both clicks wanted.
        db.session.refresh(design)
        if design.status == "submitted" and design.latest_proof is not None:
            return design.latest_proof
        raise
    return proof


def _commit_or_conflict() -> None:
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise Conflict(STALE) from exc
