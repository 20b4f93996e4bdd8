"""Designs: create, edit and submit a box design for a proof."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Design, Proof, User, utcnow
from app.services import audit, billing, delivery, proofs
from app.services.access import shown_to, visible
from app.services.drafts import STALE, commit_or_conflict, commit_spec, editable_spec
from app.services.errors import Conflict, Invalid, NotFound
from app.services.estimates import estimate
from app.services.transaction import commits
from configurator.billing import check_references
from configurator.catalog import load_catalog
from configurator.rules import check, check_draft, field_kind, normalise_text
from configurator.spec import BoxSpec
from configurator.states import DESIGN, PROOF, DesignStatus, IllegalTransition
from configurator.text import hidden_characters_message

NAME_MAX = 120


def designs_for(user: User) -> list[Design]:
    """The current (not archived) designs of the user's organisation, newest first (staff see every design).

    Their proofs come in one more query, not one per design: the list shows each one's latest.
    """
    query = (
        select(Design)
        .where(Design.archived_at.is_(None))
        .order_by(Design.updated_at.desc())
        .options(selectinload(Design.proofs))
    )
    return list(db.session.scalars(visible(user, Design, query)))


_DESIGN = select(Design).where(Design.id == bindparam("id")).options(joinedload(Design.proofs))
"""Built once, with its proofs in the same query: every design page shows or checks them."""


def get_design(user: User, design_id: int) -> Design:
    found = db.session.scalars(_DESIGN, {"id": design_id}).unique().one_or_none()
    return shown_to(user, found, "design")


def _clean_name(name: str) -> str:
    name = " ".join(normalise_text(name).split())[:NAME_MAX]
    if not name:
        raise Invalid("Give the design a name.", {"name": "Give the design a name."})
    if hidden := hidden_characters_message(name, "design name", single_line=True):
        raise Invalid(hidden, {"name": hidden})
    return name


def _new_design(
    user: User, name: str, spec: BoxSpec, address_from: Design | None = None, **detail: str
) -> Design:
    design = Design(
        organisation_id=user.organisation_id,
        created_by_id=user.id,
        name=_clean_name(name),
        spec=spec.to_dict(),
    )
    db.session.add(design)
    db.session.flush()
    if address_from is not None:
        delivery.copy_address(address_from, design)
    audit.record(user, "design.created", f"design:{design.id}", user.organisation_id, **detail)
    db.session.commit()
    return design


def create_from_classic(user: User, classic_id: str, name: str = "") -> Design:
    """Start from a classic box; without a ``name`` the design takes the classic's."""
    classic = load_catalog().classics.get(classic_id)
    if classic is None:
        raise NotFound("We could not find that classic box.")
    return _new_design(user, name.strip() or classic.name, classic.spec, classic=classic_id)


def create_from_spec(user: User, name: str, spec: BoxSpec) -> Design:
    """A draft from a whole spec (the API's create): refused when it breaks a rule a draft may not."""
    problems = violations(spec, draft=True)
    if problems:
        raise Invalid("Please correct the fields listed.", problems)
    return _new_design(user, name, spec, start="spec")


def create_blank(user: User, name: str = "") -> Design:
    """Build your own: a medium kraft box with nothing in it yet, named by the buyer.

    Without a name it is called after the day it was started, so two of them still differ.
    """
    catalog = load_catalog()
    spec = BoxSpec(
        box_size="medium",
        box_colour=catalog.box_colours[0],
        ribbon_colour=catalog.ribbon_colours[0],
        tissue_colour=catalog.tissue_colours[0],
    )
    default = f"Custom box of {utcnow():%-d %B %Y}"
    return _new_design(user, name.strip() or default, spec, start="blank")


def duplicate(user: User, source_id: int, name: str = "") -> Design:
    """Same as last time: a new draft with the earlier design's spec and delivery address (its logo
    stays the organisation's); the needed-by date is the buyer's to choose again."""
    source = get_design(user, source_id)
    if source.organisation_id != user.organisation_id:
        raise NotFound("We could not find that design.")
    spec = BoxSpec.from_dict(source.spec).replace(needed_by=None)
    name = name.strip() or f"{source.name} (copy)"[:NAME_MAX]
    return _new_design(user, name, spec, address_from=source, copied_from=str(source.id))


def _own(user: User, design: Design) -> None:
    """Only the design's organisation names and archives it (staff see designs, never file them)."""
    if not user.is_buyer_side or design.organisation_id != user.organisation_id:
        raise NotFound("We could not find that design.")


@commits
def rename(user: User, design: Design, seen_name: str, name: str) -> str:
    """Rename a design at any stage: the name is the organisation's label, not part of a proof.

    Conditional on the name the person saw, so two colleagues renaming at once do not overwrite
    each other unseen; the spec's revision is left alone (a rename makes no wizard tab stale).
    """
    _own(user, design)
    new = _clean_name(name)
    renamed = db.session.execute(
        update(Design)
        .where(Design.id == design.id, Design.name == seen_name)
        .values(name=new, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if renamed.rowcount != 1:
        db.session.refresh(design)
        raise Conflict(f"Someone renamed this design to “{design.name}” a moment ago; nothing was changed.")
    audit.record(
        user, "design.renamed", f"design:{design.id}", design.organisation_id, before=seen_name, after=new
    )
    db.session.refresh(design)
    return new


@commits
def set_archived(user: User, design: Design, archived: bool) -> bool:
    """Archive a design (hidden from the list unless asked for) or bring it back. Idempotent.

    Returns whether this call changed it.
    """
    _own(user, design)
    now = utcnow()
    condition = Design.archived_at.is_(None) if archived else Design.archived_at.is_not(None)
    changed = db.session.execute(
        update(Design)
        .where(Design.id == design.id, condition)
        .values(archived_at=now if archived else None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount == 1:
        action = "design.archived" if archived else "design.unarchived"
        audit.record(user, action, f"design:{design.id}", design.organisation_id)
    db.session.refresh(design)
    return changed.rowcount == 1


def violations(spec: BoxSpec, *, draft: bool) -> dict[str, str]:
    """The first problem per field, for showing next to form fields."""
    found = (check_draft if draft else check)(spec, load_catalog())
    out: dict[str, str] = {}
    for v in found:
        out.setdefault(v.field, v.message)
    return out


def save_step(
    design: Design,
    revision: int,
    spec: BoxSpec,
    fields: tuple[str, ...],
    also: Callable[[], None] | None = None,
) -> None:
    """Save one wizard step: refuse it when a rule about this step's ``fields`` is broken.

    Problems that belong to other steps do not block this one (a buyer may fill the box
    before choosing colours); submit checks everything. ``also`` adds the step's other rows to
    the same transaction (the delivery address); it may refuse with ``Invalid``.
    """
    editable_spec(design, revision)
    problems = {
        field: message
        for field, message in violations(spec, draft=True).items()
        if field_kind(field) in fields
    }
    if problems:
        raise Invalid("Please correct the highlighted fields.", problems)
    if also is not None:
        try:
            also()
        except Invalid:
            db.session.rollback()
            raise
    commit_spec(design, spec)


def update_draft(design: Design, revision: int, spec: BoxSpec) -> None:
    """Replace a draft's whole spec at once (the API's PATCH): every draft rule applies, not one step's."""
    editable_spec(design, revision)
    problems = violations(spec, draft=True)
    if problems:
        raise Invalid("Please correct the fields listed.", problems)
    commit_spec(design, spec)


def designs_before(user: User, before_id: int | None, limit: int) -> list[Design]:
    """Up to ``limit`` current designs the user may see, newest first, older than ``before_id``.

    Keyed on the id, not an offset, so a design created meanwhile never shifts a page.
    """
    query = select(Design).where(Design.archived_at.is_(None)).order_by(Design.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(Design.id < before_id)
    return list(db.session.scalars(visible(user, Design, query.options(selectinload(Design.proofs)))))


def submit(design: Design, user: User, revision: int, po_number: str = "", cost_centre: str = "") -> Proof:
    """Submit a draft for a proof. Idempotent: a double click returns the proof already made.

    The PO number and cost-centre note ride on the design until it becomes an order, which
    copies them; an organisation that requires a PO number gets none submitted without one.
    """
    latest = design.latest_proof
    if design.status == DesignStatus.SUBMITTED and latest is not None and design.revision == revision + 1:
        return latest  # the second click of a double submit: same design state, same proof
    if design.revision != revision:
        raise Conflict(STALE)
    spec = BoxSpec.from_dict(design.spec)
    problems = violations(spec, draft=False)
    references = check_references(po_number, cost_centre, po_required=design.organisation.po_required)
    problems.update(references.errors)
    if problems:
        raise Invalid("Please correct the highlighted fields before asking for a proof.", problems)
    design.po_number = references.po_number or None
    design.cost_centre = references.cost_centre or None

    quote, plan = estimate(spec, delivery.destinations_of(design, spec), billing.tax_rate_of(design))
    if not plan.feasible:
        raise Invalid(plan.message, {"needed_by": plan.message})
    try:
        design.status = DESIGN.next(design.status, "submit")
    except IllegalTransition as exc:
        raise Conflict("This design has already been submitted.") from exc
    proof = Proof(
        design=design,
        version=(latest.version + 1) if latest else 1,
        spec=spec.to_dict(),
        spec_hash=spec.content_hash(),
        quote=quote.to_dict(),
        delivery_estimate=plan.expected,
        status=PROOF.initial,
    )
    db.session.add(proof)
    db.session.flush()
    audit.record(user, "design.submitted", f"design:{design.id}", design.organisation_id, proof=proof.version)
    proofs.enqueue_render(proof.id)  # sent when the commit below succeeds
    try:
        commit_or_conflict()
    except Conflict:
        # Two submits raced; the one that won made the proof, which is what both clicks wanted.
        db.session.refresh(design)
        if design.status == DesignStatus.SUBMITTED and design.latest_proof is not None:
            return design.latest_proof
        raise
    return proof
