"""A design's overview: its summary, where it is in the wizard, and its proof."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.forms import ActionForm, DesignNameForm
from app.models import Role
from app.security import roles_required
from app.services import design_list, documents, inbox, reviews
from app.services import designs as service
from app.services.errors import Conflict, Invalid
from app.views import document_response, pdf_response, proof_status
from app.wizard.steps import first_incomplete
from configurator.catalog import load_catalog
from configurator.pricing import Quote
from configurator.spec import BoxSpec

bp = Blueprint("designs", __name__)
ANY_USER = (Role.BUYER, Role.APPROVER, Role.STAFF)
BUYERS = (Role.BUYER, Role.APPROVER)


@bp.get("/designs")
@roles_required(*BUYERS)
def index() -> str:
    page = design_list.design_list(current_user, request.args.get("q", ""), request.args.get("show", ""))
    return render_template(
        "designs/index.html",
        page=page,
        form=ActionForm(),
        inbox=inbox.inbox_for(current_user, page.every_current),
    )


def _back_to(design_id: int) -> Response:
    """To the list (with its search and filter) when the form was on it, else to the design."""
    if request.form.get("from_list"):
        kept = {key: request.form[key] for key in ("q", "show") if request.form.get(key)}
        return redirect(url_for("designs.index", **kept))
    return redirect(url_for("designs.show", design_id=design_id))


@bp.post("/designs/<int:design_id>/rename")
@roles_required(*BUYERS)
def rename(design_id: int) -> Response:
    design = service.get_design(current_user, design_id)
    form = DesignNameForm()
    if not form.validate_on_submit():
        flash(next(iter(form.name.errors), "Give the design a name."), "error")
        return _back_to(design.id)
    try:
        name = service.rename(current_user, design, form.seen_name.data or "", form.name.data or "")
    except (Invalid, Conflict) as exc:
        flash(str(exc), "error")
    else:
        flash(f"Renamed to “{name}”.", "success")
    return _back_to(design.id)


@bp.post("/designs/<int:design_id>/archive")
@roles_required(*BUYERS)
def archive(design_id: int) -> Response:
    return _archive(design_id, archived=True)


@bp.post("/designs/<int:design_id>/unarchive")
@roles_required(*BUYERS)
def unarchive(design_id: int) -> Response:
    return _archive(design_id, archived=False)


def _archive(design_id: int, *, archived: bool) -> Response:
    design = service.get_design(current_user, design_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    service.set_archived(current_user, design, archived)
    if archived:
        flash(f"“{design.name}” is archived. Find it under the Archived filter.", "success")
    else:
        flash(f"“{design.name}” is back among the current designs.", "success")
    return _back_to(design.id)


@bp.post("/designs/<int:design_id>/duplicate")
@roles_required(*BUYERS)
def duplicate(design_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    copy = service.duplicate(current_user, design_id)
    flash(f"“{copy.name}” is a new draft with the same contents. Rename it below if you like.", "success")
    return redirect(url_for("designs.show", design_id=copy.id))


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
        form=DesignNameForm(name=design.name, seen_name=design.name),
    )


@bp.get("/designs/<int:design_id>/quote.pdf")
@roles_required(*ANY_USER)
def quote_pdf(design_id: int) -> Response:
    """The quote to file with procurement, from the review step on; drawn by the worker."""
    design = service.get_design(current_user, design_id)
    found = documents.quote(design)
    reference = found.inputs["data"]["reference"]
    return document_response(
        found,
        lambda pdf: pdf_response(pdf, f"{reference}.pdf", download=True),
        title=f"Quote for {design.name}",
        back=(url_for("designs.show", design_id=design.id), f"Back to {design.name}"),
    )


@bp.get("/designs/<int:design_id>/status.json")
@roles_required(*ANY_USER)
def status(design_id: int) -> Response:
    design = service.get_design(current_user, design_id)
    proof = design.latest_proof
    return jsonify(design=design.status, proof=proof_status(proof) if proof else None)
