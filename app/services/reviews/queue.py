"""The staff's review queue: proofs waiting for their check, with the logo preflight."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.extensions import db
from app.models import Design, Proof
from app.models.branding import Logo
from app.services import branding
from app.services.reviews.common import approvals
from app.services.reviews.rules import needs_approver
from configurator.states import DesignStatus, RenderStatus
from configurator.vocabulary import ReviewSide

log = logging.getLogger(__name__)


def pending_staff_review() -> list[Proof]:
    """Ready proofs of submitted designs that staff have not approved yet.

    The database picks each submitted design's latest proof, so the cost follows the designs
    waiting for review, not every proof ever made (orders' proofs included).
    """
    later = aliased(Proof)
    candidates = db.session.scalars(
        select(Proof)
        .join(Design, Design.id == Proof.design_id)
        .where(
            Proof.status.in_((RenderStatus.READY, RenderStatus.FAILED)),
            Design.status == DesignStatus.SUBMITTED,
            ~exists().where(later.design_id == Proof.design_id, later.version > Proof.version),
        )
        .order_by(Proof.updated_at)
        # Their reviews, design and organisation with them: the queue and the inbox read
        # every one, so the cost stays a few queries however many proofs wait.
        .options(
            selectinload(Proof.reviews),
            joinedload(Proof.design).joinedload(Design.organisation),
        )
    ).all()
    return [p for p in candidates if ReviewSide.STAFF not in approvals(p)]


def preflight(proof: Proof) -> list[str]:
    """The logo preflight findings for a proof's spec, or a note that it could not run."""
    try:
        return list(branding.preflight(dict(proof.spec)))
    except Exception:  # the queue must still load when one design's logo check breaks
        log.exception("preflight failed for proof %s", proof.id)
        return ["The logo check could not run for this proof; please look at the logo yourself."]


def logo_facts(proof: Proof) -> dict[str, Any] | None:
    """Format, pixel size and main colours of the proof's logo, when it has one."""
    logo_id = proof.spec.get("logo_id")
    if not logo_id:
        return None
    logo = db.session.scalar(
        select(Logo)
        .where(Logo.sha256 == logo_id, Logo.organisation_id == proof.design.organisation_id)
        .limit(1)
    )
    if logo is None:
        return {"missing": True}
    printed = branding.print_logo(logo, proof.spec)
    return {
        "missing": False,
        "format": logo.original_format.upper(),
        "pixels": f"{logo.width_px} × {logo.height_px} px",
        "dpi": printed.dpi,
        "width_in": printed.width_in,
        "colours": [c for c in (logo.colours or []) if isinstance(c, str) and _is_hex(c)][:6],
    }


def _is_hex(value: str) -> bool:
    return (
        len(value) == 7 and value.startswith("#") and all(ch in "0123456789abcdefABCDEF" for ch in value[1:])
    )


def staff_queue() -> list[dict[str, Any]]:
    return [
        {
            "proof": p,
            "buyer_approved": ReviewSide.BUYER in approvals(p),
            "waiting_for_approver": ReviewSide.BUYER not in approvals(p) and needs_approver(p),
            "preflight": preflight(p) if p.status == RenderStatus.READY else [],
        }
        for p in pending_staff_review()
    ]
