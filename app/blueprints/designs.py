"""Buyers: start a design from a classic box, write the card, submit for a proof."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.forms import CardForm, DecisionForm, StartForm, SubmitForm
from app.models import Role
from app.security import roles_required
from app.services import designs as service
from app.services.errors import Conflict, Invalid
from app.services.reviews import approvals, side_of
from app.views import proof_status
from configurator.catalog import load_catalog
from configurator.pricing import quote, unit_price_per_box
from configurator.rules import MIN_BOXES
from configurator.spec import BoxSpec

bp = Blueprint("designs", __name__)
ANY_USER = (Role.BUYER, Role.APPROVER, Role.STAFF)


@bp.get("/designs")
@roles_required(Role.BUYER, Role.APPROVER)
def index() -> str:
    catalog = load_catalog()
    prices = {
        cid: unit_price_per_box(c.spec.replace(quantity=MIN_BOXES), catalog)
        for cid, c in catalog.classics.items()
    }
    return render_template(
        "designs/index.html",
        designs=service.designs_for(current_user),
        catalog=catalog,
        prices=prices,
        form=StartForm(),
    )


@bp.post("/designs")
@roles_required(Role.BUYER, Role.APPROVER)
def create() -> Response:
    form = StartForm()
    if not form.validate_on_submit():
        flash("Please choose a box to start from.", "error")
        return redirect(url_for("designs.index"))
    design = service.create_from_classic(current_user, form.classic.data)
    return redirect(url_for("designs.show", design_id=design.id))


def _render_show(design, card_form: CardForm, status: int = 200) -> tuple[str, int]:
    catalog = load_catalog()
    spec = BoxSpec.from_dict(design.spec)
    proof = design.latest_proof
    return render_template(
        "designs/show.html",
        design=design,
        spec=spec,
        catalog=catalog,
        quote=quote(spec, catalog),
        card_form=card_form,
        submit_form=SubmitForm(revision=design.revision),
        decision_form=DecisionForm(),
        proof=proof,
        proof_state=proof_status(proof) if proof else None,
        approvals=approvals(proof) if proof else set(),
        my_side=side_of(current_user),
    ), status


@bp.get("/designs/<int:design_id>")
@roles_required(*ANY_USER)
def show(design_id: int) -> tuple[str, int]:
    design = service.get_design(current_user, design_id)
    spec = BoxSpec.from_dict(design.spec)
    form = CardForm(
        revision=design.revision, message=spec.message, sign_off=spec.sign_off, quantity=spec.quantity
    )
    return _render_show(design, form)


@bp.post("/designs/<int:design_id>/card")
@roles_required(Role.BUYER, Role.APPROVER)
def save_card(design_id: int) -> Response | tuple[str, int]:
    design = service.get_design(current_user, design_id)
    form = CardForm()
    if not form.validate_on_submit():
        return _render_show(design, form, 422)
    try:
        service.update_card(
            design,
            current_user,
            int(form.revision.data),
            form.message.data or "",
            form.sign_off.data or "",
            form.quantity.data,
        )
    except Invalid as exc:
        for field, message in exc.violations.items():
            getattr(form, field, form.message).errors = [message]
        flash(str(exc), "error")
        return _render_show(design, form, 422)
    except Conflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("designs.show", design_id=design_id))
    flash("Saved.", "success")
    return redirect(url_for("designs.show", design_id=design_id))


@bp.post("/designs/<int:design_id>/submit")
@roles_required(Role.BUYER, Role.APPROVER)
def submit(design_id: int) -> Response:
    design = service.get_design(current_user, design_id)
    form = SubmitForm()
    if not form.validate_on_submit() or not form.revision.data.isdigit():
        abort(400)
    try:
        proof = service.submit(design, current_user, int(form.revision.data))
    except (Invalid, Conflict) as exc:
        for message in getattr(exc, "violations", {}).values():
            flash(message, "error")
        flash(str(exc), "error")
        return redirect(url_for("designs.show", design_id=design_id))
    from app.services.proofs import enqueue_render

    if proof.status == "queued":
        enqueue_render(proof.id)
    flash(f"Submitted. We are preparing proof v{proof.version}.", "success")
    return redirect(url_for("designs.show", design_id=design_id, _anchor="proof"))


@bp.get("/designs/<int:design_id>/status.json")
@roles_required(*ANY_USER)
def status(design_id: int) -> Response:
    design = service.get_design(current_user, design_id)
    proof = design.latest_proof
    return jsonify(design=design.status, proof=proof_status(proof) if proof else None)
