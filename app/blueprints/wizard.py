"""The design wizard: start, then one page per step, a live preview and a running price."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.forms import parse_id
from app.models import Design, Role
from app.security import roles_required
from app.services import branding, designs, previews
from app.services.errors import Conflict, Invalid
from app.wizard.page import errors_onto, live_figures, step_page
from app.wizard.steps import BY_SLUG, Step, first_incomplete
from configurator.catalog import load_catalog
from configurator.pricing import unit_price_per_box
from configurator.spec import BoxSpec
from configurator.states import DesignStatus

bp = Blueprint("wizard", __name__)
BUYERS = (Role.BUYER, Role.APPROVER)


def _no_store(response: Response) -> Response:
    """Wizard pages always come from the server, so Back/Forward show what was saved."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/designs/new")
@roles_required(*BUYERS)
def start() -> str:
    catalog = load_catalog()
    classics = [
        (c, unit_price_per_box(c.spec, catalog), previews.remember(c.spec, "thumb"))
        for c in catalog.classics.values()
    ]
    earlier = [d for d in designs.designs_for(current_user) if d.status != DesignStatus.DRAFT][:12]
    return render_template("wizard/start.html", classics=classics, earlier=earlier, catalog=catalog)


@bp.post("/designs/new")
@roles_required(*BUYERS)
def create() -> Response:
    source = parse_id(request.form.get("from_design"))
    if request.form.get("from_design") and source is None:
        abort(404)
    name = request.form.get("name", "")
    try:
        if source is not None:
            design = designs.duplicate(current_user, source, name)
        elif request.form.get("classic"):
            design = designs.create_from_classic(current_user, request.form["classic"], name)
        else:
            design = designs.create_blank(current_user, name)
    except Invalid as exc:
        flash(str(exc), "error")
        return redirect(url_for("wizard.start"))
    return redirect(url_for("wizard.edit", design_id=design.id, slug="contents"))


@bp.get("/designs/<int:design_id>/edit")
@roles_required(*BUYERS)
def resume(design_id: int) -> Response:
    design = designs.get_design(current_user, design_id)
    return redirect(
        url_for(
            "wizard.edit", design_id=design.id, slug=first_incomplete(BoxSpec.from_dict(design.spec)).slug
        )
    )


def _page(
    design: Design,
    step: Step,
    form: FlaskForm,
    spec: BoxSpec,
    status: int = 200,
    loose: list[str] | None = None,
) -> Response:
    page = render_template(step.template, **step_page(design, step, form, spec, loose or []))
    return _no_store(Response(page, status=status))


@bp.route("/designs/<int:design_id>/edit/<slug>", methods=["GET", "POST"])
@roles_required(*BUYERS)
def edit(design_id: int, slug: str):
    design = designs.get_design(current_user, design_id)
    step = BY_SLUG.get(slug) or abort(404)
    if design.status != DesignStatus.DRAFT:
        flash("This design has been submitted. Ask for changes on the proof to edit it again.", "info")
        return redirect(url_for("designs.show", design_id=design.id))
    if request.method == "GET":
        spec = BoxSpec.from_dict(design.spec)
        return _page(design, step, step.filled(design, spec), spec)
    form = step.form()
    revision = parse_id(form.revision.data)
    if not form.validate_on_submit() or revision is None:
        return _page(design, step, form, BoxSpec.from_dict(design.spec), 422)
    try:
        return redirect(step.save(design, form, revision, request.form.get("nav", "next")))
    except Invalid as exc:
        spec = BoxSpec.from_dict(design.spec)
        return _page(design, step, form, spec, 422, errors_onto(form, spec, exc.violations) or [str(exc)])
    except Conflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("wizard.edit", design_id=design.id, slug=step.slug))


@bp.post("/designs/<int:design_id>/live")
@roles_required(*BUYERS)
def live(design_id: int) -> Response:
    """What the page would show with the buyer's unsaved choices: preview, price, fit. Saves nothing."""
    design = designs.get_design(current_user, design_id)
    step = BY_SLUG.get(request.args.get("step", "")) or abort(404)
    spec = BoxSpec.from_dict(design.spec)
    form = step.form()
    form.validate()  # fills .data; errors are for the real save
    try:
        return jsonify(ok=True, **live_figures(design, step, step.apply(spec, form), form))
    except (KeyError, ValueError, TypeError, AttributeError):
        return jsonify(ok=False, message="Some choices are not complete yet.")


@bp.get("/designs/<int:design_id>/preview/<key>.png")
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF)
def preview(design_id: int, key: str) -> Response:
    designs.get_design(current_user, design_id)  # organisation check
    response = Response(previews.preview_png(key), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


@bp.get("/catalog/previews/<key>.png")
@roles_required(*BUYERS)
def catalog_preview(key: str) -> Response:
    """Thumbnails of the classic boxes (catalog data, the same for every organisation)."""
    catalog = load_catalog()
    if key not in {previews.preview_key(c.spec, "thumb") for c in catalog.classics.values()}:
        abort(404)
    response = Response(previews.preview_png(key), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/designs/<int:design_id>/logo.png")
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF)
def logo(design_id: int) -> Response:
    design = designs.get_design(current_user, design_id)
    png = branding.logo_png(branding.logo_for(current_user, design).sha256) or abort(404)
    response = Response(png, mimetype="image/png")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/catalog/products/<product_id>/<colour_id>.png")
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF, Role.MAKER)
def product_picture(product_id: str, colour_id: str) -> Response:
    response = Response(previews.product_png(product_id, colour_id), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
