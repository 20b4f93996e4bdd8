"""The design wizard: start, then one page per step, a live preview and a running price."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.forms import parse_id
from app.models import Design, Role
from app.security import roles_required
from app.services import branding, designs, previews, reviews, workers
from app.services.errors import Conflict, Invalid
from app.services.estimates import estimate
from app.wizard.steps import BY_SLUG, STEPS, Step, completion, first_incomplete, neighbours
from configurator.catalog import load_catalog
from configurator.pricing import unit_price_per_box
from configurator.rules import check_draft, field_kind, slots
from configurator.spec import BoxSpec
from proofs.card_fit import fit_message

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
    earlier = [d for d in designs.designs_for(current_user) if d.status != "draft"][:12]
    return render_template(
        "wizard/start.html", classics=classics, earlier=earlier, catalog=catalog, form=FlaskForm()
    )


@bp.post("/designs/new")
@roles_required(*BUYERS)
def create() -> Response:
    source = parse_id(request.form.get("from_design"))
    if request.form.get("from_design") and source is None:
        abort(404)
    if source is not None:
        design = designs.duplicate(current_user, source)
    elif request.form.get("classic"):
        design = designs.create_from_classic(current_user, request.form["classic"])
    else:
        design = designs.create_blank(current_user)
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


def _errors_onto(form: FlaskForm, spec: BoxSpec, problems: dict[str, str]) -> list[str]:
    """Put each rule violation next to its field; return those that belong to no single field."""
    loose = []
    for field, message in problems.items():
        parts = field.split(".")
        name = field
        if parts[0] == "items" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(spec.items):
            product = spec.items[int(parts[1])].product_id
            name = f"{'colour' if field_kind(field) == 'item_colour' else 'qty'}_{product}"
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            loose.append(message)
    return loose


def _page(
    design: Design,
    step: Step,
    form: FlaskForm,
    spec: BoxSpec,
    status: int = 200,
    loose: list[str] | None = None,
):
    catalog = load_catalog()
    quote, plan = estimate(spec)
    logo = branding.find_logo(design.organisation_id, spec.logo_id)
    response = Response(
        render_template(
            step.template,
            design=design,
            step=step,
            steps=STEPS,
            neighbours=neighbours(step),
            complete=completion(spec),
            form=form,
            spec=spec,
            catalog=catalog,
            quote=quote,
            plan=plan,
            logo=logo,
            preflight=branding.preflight(spec.to_dict()),
            suggestions=_suggestions(logo, spec.logo_placement),
            preview=url_for("wizard.preview", design_id=design.id, key=previews.remember(spec)),
            slots=slots(spec, catalog),
            fit=fit_message(spec.message, spec.card_size),
            loose_errors=loose or [],
            problems=designs.violations(spec, draft=False) if step.slug == "review" else {},
            sent_back=reviews.sent_back(design, current_user),
        ),
        status=status,
    )
    return _no_store(response)


def _suggestions(logo: Any, placement: str) -> dict[str, list[str]]:
    """Catalog box and ribbon colour ids that match the logo's main colours and keep it visible."""
    if logo is None or not logo.colours:
        return {}
    from proofs.logo import suggest_colours

    return suggest_colours(logo.colours, load_catalog(), placement)


@bp.route("/designs/<int:design_id>/edit/<slug>", methods=["GET", "POST"])
@roles_required(*BUYERS)
def edit(design_id: int, slug: str):
    design = designs.get_design(current_user, design_id)
    step = BY_SLUG.get(slug) or abort(404)
    if design.status != "draft":
        flash("This design has been submitted. Ask for changes on the proof to edit it again.", "info")
        return redirect(url_for("designs.show", design_id=design.id))
    spec = BoxSpec.from_dict(design.spec)
    if request.method == "GET":
        return _page(design, step, step.form(data={**step.load(spec), "revision": design.revision}), spec)

    form = step.form()
    nav = request.form.get("nav", "next")
    revision = parse_id(form.revision.data)
    if not form.validate_on_submit() or revision is None:
        return _page(design, step, form, spec, 422)
    try:
        if step.slug == "review":
            return _submit(design, revision)
        if step.slug == "branding":
            revision = _branding_files(design, form, revision, nav)
            spec = BoxSpec.from_dict(design.spec)
        changed = step.apply(spec, form)
        if nav == "use_logo_colours":
            changed = _with_logo_colours(design, changed)
        designs.save_step(design, revision, changed, step.fields)
    except Invalid as exc:
        loose = _errors_onto(form, spec, exc.violations)
        return _page(design, step, form, spec, 422, loose or [str(exc)])
    except Conflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("wizard.edit", design_id=design.id, slug=step.slug))
    return redirect(_destination(design, step, nav))


def _branding_files(design: Design, form: FlaskForm, revision: int, nav: str) -> int:
    """Upload or remove the logo first; both commit, so the rest of the step saves on the new revision."""
    upload = form.logo.data
    if nav == "remove_logo":
        branding.remove_logo(current_user, design, revision)
    elif upload and upload.filename:
        branding.upload_logo(current_user, design, revision, upload.read(), upload.filename)
    return design.revision


def _with_logo_colours(design: Design, spec: BoxSpec) -> BoxSpec:
    """The best-matching box and ribbon colours for the design's logo (unchanged without a logo)."""
    found = _suggestions(branding.find_logo(design.organisation_id, spec.logo_id), spec.logo_placement)
    return spec.replace(
        box_colour=(found.get("box_colours") or [spec.box_colour])[0],
        ribbon_colour=(found.get("ribbon_colours") or [spec.ribbon_colour])[0],
    )


def _destination(design: Design, step: Step, nav: str) -> str:
    back, forward = neighbours(step)
    target = {"back": back, "next": forward}.get(nav) or BY_SLUG.get(nav.removeprefix("goto:")) or step
    if nav in ("save", "remove_logo", "upload", "use_logo_colours"):
        flash("Saved.", "success")
        target = step
    return url_for("wizard.edit", design_id=design.id, slug=target.slug)


def _submit(design: Design, revision: int) -> Response:
    proof = designs.submit(design, current_user, revision)
    if workers.state().alive:
        flash(
            f"Submitted. We are preparing proof v{proof.version}; it appears here in a few seconds.",
            "success",
        )
    else:  # no worker to draw it: no promise of seconds
        flash(f"Submitted. Proof v{proof.version} is {workers.LATE_TEXT}.", "success")
    return redirect(url_for("designs.show", design_id=design.id, _anchor="proof"))


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
        candidate = step.apply(spec, form)
        problems = check_draft(candidate, load_catalog())
        quote, plan = estimate(candidate)
        fit = fit_message(candidate.message, candidate.card_size)
    except (KeyError, ValueError, TypeError, AttributeError):
        return jsonify(ok=False, message="Some choices are not complete yet.")
    used, capacity = slots(candidate, load_catalog())
    fit = fit_message(candidate.message, candidate.card_size)
    return jsonify(
        ok=True,
        preview=url_for("wizard.preview", design_id=design.id, key=previews.remember(candidate)),
        total=f"${quote.total:,.2f}",
        per_box=f"${quote.per_box:,.2f}",
        boxes=quote.boxes,
        slots=f"{used} of {capacity} slots used",
        full=used >= capacity,
        fit=fit.message,
        fits=fit.fits,
        delivery=plan.message,
        problems=[v.message for v in problems if field_kind(v.field) in step.fields],
    )


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
