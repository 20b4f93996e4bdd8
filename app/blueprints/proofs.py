"""Proof files (behind an organisation check) and decisions on a proof."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_login import current_user

from app.blueprints.review import review_page
from app.forms import DecisionForm, parse_id
from app.models import Proof, Role
from app.security import roles_required
from app.services import reviews
from app.services.errors import Conflict, Invalid
from app.services.proofs import file_key, proof_reference
from app.storage import storage
from app.views import pdf_response
from configurator.states import RenderStatus
from configurator.vocabulary import Decision, ReviewSide

bp = Blueprint("proofs", __name__)
REVIEWERS = (Role.BUYER, Role.APPROVER, Role.STAFF)


def _file(proof_id: int, kind: str, mimetype: str) -> Response:
    proof = reviews.get_proof(current_user, proof_id)
    if proof.status != RenderStatus.READY:
        abort(404)
    data = storage().get(file_key(proof, kind))
    if kind == "pdf":
        return pdf_response(data, f"{proof_reference(proof)}.pdf", cache="private, max-age=3600")
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/proofs/<int:proof_id>/mockup.png")
@roles_required(*REVIEWERS)
def mockup(proof_id: int) -> Response:
    return _file(proof_id, "png", "image/png")


@bp.get("/proofs/<int:proof_id>/proof.pdf")
@roles_required(*REVIEWERS)
def pdf(proof_id: int) -> Response:
    return _file(proof_id, "pdf", "application/pdf")


@bp.post("/proofs/<int:proof_id>/decision")
@roles_required(*REVIEWERS)
def decide(proof_id: int) -> Response | tuple[str, int]:
    """Approve or request changes on the version the person saw; they return to the review page."""
    proof = reviews.get_proof(current_user, proof_id)
    form = DecisionForm()
    version = parse_id(form.version.data)
    if not form.validate_on_submit() or version is None:
        abort(400)
    back = url_for("review.show", design_id=proof.design_id)
    if current_user.is_staff and form.decision.data == Decision.REQUEST_CHANGES and form.names_a_maker():
        return review_page(proof.design_id, decision_form=form), 422
    try:
        order = reviews.decide(current_user, proof, version, form.decision.data, form.comment.data or "")
    except (Invalid, Conflict) as exc:
        flash(str(exc), "error")
        return redirect(back)
    if order is not None:
        flash(f"Approved by both sides. Order {order.reference} is confirmed.", "success")
        return redirect(url_for("orders.show", order_id=order.id))
    flash(_decided(proof, form.decision.data), "success")
    return redirect(back)


def _decided(proof: Proof, decision: str) -> str:
    """What the person reads after their decision was recorded and no order came of it yet."""
    if decision == Decision.REQUEST_CHANGES:
        if current_user.is_staff:
            return "Sent back to the buyer with your reason."
        return "Changes requested. The design is open for editing again."
    if ReviewSide.BUYER not in reviews.approvals(proof) and reviews.needs_approver(proof):
        return "Your approval is recorded. This order is above your organisation's limit, so it now waits for your approver; we have emailed them."
    return f"Approved proof v{proof.version}. Waiting for the other side to approve."
