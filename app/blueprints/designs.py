"""A design's overview: its summary, where it is in the wizard, and its proof."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template
from flask_login import current_user

from app.models import Role
from app.security import roles_required
from app.services import designs as service
from app.services import reviews
from app.views import proof_status
from app.wizard.steps import first_incomplete
from configurator.catalog import load_catalog
from configurator.pricing import Quote
from configurator.spec import BoxSpec

bp = Blueprint("designs", __name__)
ANY_USER = (Role.BUYER, Role.APPROVER, Role.STAFF)


@bp.get("/designs")
@roles_required(Role.BUYER, Role.APPROVER)
def index() -> str:
    rows = [(d, reviews.sent_back(d, current_user)) for d in service.designs_for(current_user)]
    return render_template("designs/index.html", rows=rows)


@bp.get("/designs/<int:design_id>")
@roles_required(*ANY_USER)
def show(design_id: int) -> str:
    design = service.get_design(current_user, design_id)
    spec = BoxSpec.from_dict(design.spec)
    proof = design.latest_proof
    return render_template(
        "designs/show.html",
        design=design,
        spec=spec,
        catalog=load_catalog(),
        quote=Quote.from_dict(proof.quote) if proof and proof.quote else None,
        next_step=first_incomplete(spec),
        proof=proof,
        proof_state=proof_status(proof) if proof else None,
        sent_back=reviews.sent_back(design, current_user),
    )


@bp.get("/designs/<int:design_id>/status.json")
@roles_required(*ANY_USER)
def status(design_id: int) -> Response:
    design = service.get_design(current_user, design_id)
    proof = design.latest_proof
    return jsonify(design=design.status, proof=proof_status(proof) if proof else None)
