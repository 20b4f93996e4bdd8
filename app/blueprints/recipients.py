"""A design's recipient list: the list, one recipient's form, the import (upload, mapping, fixes), the export.

Thin views: a page object from ``app.services.recipients``, then a template. The pages show
personal data, so they are for the buyer side and staff only (never makers).
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.forms import ActionForm, RecipientForm, UploadForm, parse_id
from app.models import Role
from app.security import roles_required
from app.services import recipients as service
from app.services.errors import Conflict, Invalid
from app.views import wants_json
from configurator.recipients import FIELDS, TARGETS
from configurator.recipients import Recipient as Value
from configurator.states import ImportStatus

bp = Blueprint("recipients", __name__, url_prefix="/designs/<int:design_id>/recipients")
VIEWERS = (Role.BUYER, Role.APPROVER, Role.STAFF)
BUYERS = (Role.BUYER, Role.APPROVER)


def _value(form: RecipientForm) -> Value:
    return Value(**{f: form[f].data or "" for f in FIELDS})


def _show_problems(form: RecipientForm, violations: dict[str, str]) -> None:
    for name, message in violations.items():
        if name in form and name != "version":
            form[name].errors = [message]
    if "row" in violations:
        flash(violations["row"], "error")


@bp.get("")
@roles_required(*VIEWERS)
def index(design_id: int) -> str:
    page = service.list_page(
        current_user, design_id, request.args.get("q", ""), parse_id(request.args.get("page")) or 1
    )
    return render_template("recipients/index.html", page=page, form=ActionForm(), upload=UploadForm())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*BUYERS)
def new(design_id: int) -> str | Response:
    page = service.list_page(current_user, design_id)
    form = RecipientForm()
    if form.validate_on_submit():
        try:
            service.add_recipient(current_user, design_id, _value(form))
        except Invalid as exc:
            _show_problems(form, exc.violations)
        except Conflict as exc:
            flash(str(exc), "error")
        else:
            flash("Recipient added.", "success")
            return redirect(url_for(".index", design_id=design_id))
    return render_template("recipients/edit.html", page=page, form=form, recipient=None)


@bp.route("/<int:recipient_id>", methods=["GET", "POST"])
@roles_required(*BUYERS)
def edit(design_id: int, recipient_id: int) -> str | Response:
    page = service.list_page(current_user, design_id)
    row = service.get_recipient(current_user, design_id, recipient_id)
    form = RecipientForm(data={**row.value.as_dict(), "version": row.version})
    if form.validate_on_submit():
        try:
            service.edit_recipient(
                current_user, design_id, recipient_id, parse_id(form.version.data) or 0, _value(form)
            )
        except Invalid as exc:
            _show_problems(form, exc.violations)
        except Conflict as exc:
            flash(str(exc), "error")
            return redirect(url_for(".edit", design_id=design_id, recipient_id=recipient_id))
        else:
            flash("Recipient saved.", "success")
            return redirect(url_for(".index", design_id=design_id))
    return render_template("recipients/edit.html", page=page, form=form, recipient=row)


@bp.post("/<int:recipient_id>/remove")
@roles_required(*BUYERS)
def remove(design_id: int, recipient_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.remove_recipient(
            current_user, design_id, recipient_id, parse_id(request.form.get("version")) or 0
        )
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash("Recipient removed.", "success")
    return redirect(url_for(".index", design_id=design_id))


@bp.get("/export.csv")
@roles_required(*VIEWERS)
def export(design_id: int) -> Response:
    data = service.export_csv(current_user, design_id)
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="recipients-design-{design_id}.csv"'},
    )


@bp.post("/import")
@roles_required(*BUYERS)
def upload(design_id: int) -> str | Response:
    form = UploadForm()
    if form.validate_on_submit() and form.file.data:
        file = form.file.data
        try:
            import_id = service.start_import(current_user, design_id, file.filename or "", file.read())
        except Invalid as exc:
            form.file.errors = [str(exc)]
        except Conflict as exc:
            flash(str(exc), "error")
        else:
            return redirect(url_for(".mapping", design_id=design_id, import_id=import_id))
    elif not form.file.errors:
        form.file.errors = ["Choose a CSV or Excel file to upload."]
    page = service.list_page(current_user, design_id)
    return render_template("recipients/index.html", page=page, form=ActionForm(), upload=form), 422  # type: ignore[return-value]


@bp.route("/import/<int:import_id>", methods=["GET", "POST"])
@roles_required(*BUYERS)
def mapping(design_id: int, import_id: int) -> str | Response:
    page = service.mapping_page(current_user, design_id, import_id)
    if page.status != ImportStatus.MAPPING:  # matched already: its rows are (being) checked
        return redirect(url_for(".check", design_id=design_id, import_id=import_id))
    problem = ""
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        chosen = {i: request.form.get(f"column-{i}", "") for i in range(len(page.headers))}
        mapping = {i: t for i, t in chosen.items() if t in TARGETS}
        try:
            service.map_columns(
                current_user, design_id, import_id, parse_id(request.form.get("version")) or 0, mapping
            )
        except Invalid as exc:
            problem = str(exc)
            page = service.mapping_page(current_user, design_id, import_id)
            page = replace(page, mapping=mapping)
        except Conflict as exc:
            flash(str(exc), "error")
            return redirect(url_for(".mapping", design_id=design_id, import_id=import_id))
        else:
            return redirect(url_for(".check", design_id=design_id, import_id=import_id))
    return render_template("recipients/mapping.html", page=page, form=ActionForm(), problem=problem)


@bp.get("/import/<int:import_id>/check")
@roles_required(*BUYERS)
def check(design_id: int, import_id: int) -> str | Response:
    """How far the worker got: a progress page (its poller gets JSON), then the summary and the rows to fix."""
    page = service.check_page(current_user, design_id, import_id)
    if wants_json():  # the poller goes to this page once the status is checked, for the summary
        response = jsonify(
            status=page.status.value,
            state=page.state,
            rows=page.rows,
            checked=page.checked,
            saved=page.saved,
            text=page.progress,
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    if page.done:
        flash(page.summary, "warning" if page.waiting else "success")
        return redirect(_after_check(page))
    if page.status == ImportStatus.MAPPING:  # nothing to check before its columns are matched
        return redirect(url_for(".mapping", design_id=design_id, import_id=import_id))
    return render_template("recipients/check.html", page=page, form=ActionForm())


def _after_check(page: service.CheckPage) -> str:
    """Where the buyer goes once every row is checked: the rows to fix, or the list when none wait."""
    if page.waiting:
        return url_for(".problems", design_id=page.design_id, import_id=page.import_id)
    return url_for(".index", design_id=page.design_id)


@bp.post("/import/<int:import_id>/check")
@roles_required(*BUYERS)
def retry(design_id: int, import_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.retry_check(current_user, design_id, import_id)
    except Conflict as exc:
        flash(str(exc), "error")
    return redirect(url_for(".check", design_id=design_id, import_id=import_id))


@bp.get("/import/<int:import_id>/rows")
@roles_required(*BUYERS)
def problems(design_id: int, import_id: int) -> str | Response:
    try:
        page = service.problems_page(current_user, design_id, import_id)
    except Conflict as exc:  # not checked yet: its progress page
        flash(str(exc), "warning")
        return redirect(url_for(".check", design_id=design_id, import_id=import_id))
    return render_template("recipients/problems.html", page=page, form=ActionForm(), row_form=_row_form)


def _row_form(row: service.ProblemRow) -> RecipientForm:
    """A waiting row's form, its cells as entered and every problem at its field."""
    form = RecipientForm(
        prefix=f"r{row.id}", formdata=None, data={**row.value.as_dict(), "version": row.version}
    )
    _show_problems(form, {k: v for k, v in row.errors.items() if k != "row"})
    return form


@bp.post("/import/<int:import_id>/rows/<int:row_id>")
@roles_required(*BUYERS)
def fix(design_id: int, import_id: int, row_id: int) -> Response:
    form = RecipientForm(prefix=f"r{row_id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        saved = service.fix_row(
            current_user, design_id, import_id, row_id, parse_id(form.version.data) or 0, _value(form)
        )
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(
            "Row saved onto the list." if saved else "Kept your changes; the row still has a problem.",
            "success" if saved else "warning",
        )
    return _after_fix(design_id, import_id, row_id)


def _after_fix(design_id: int, import_id: int, row_id: int) -> Response:
    if not service.import_open(current_user, design_id, import_id):  # every row saved or dropped
        return redirect(url_for(".index", design_id=design_id))
    return redirect(url_for(".problems", design_id=design_id, import_id=import_id, _anchor=f"row-{row_id}"))


@bp.post("/import/<int:import_id>/rows/<int:row_id>/drop")
@roles_required(*BUYERS)
def drop(design_id: int, import_id: int, row_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.drop_row(current_user, design_id, import_id, row_id)
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash("Row dropped.", "success")
    return _after_fix(design_id, import_id, row_id)


@bp.post("/import/<int:import_id>/discard")
@roles_required(*BUYERS)
def discard(design_id: int, import_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.discard_import(current_user, design_id, import_id)
    except Conflict as exc:
        flash(str(exc), "error")
        return redirect(url_for(".check", design_id=design_id, import_id=import_id))
    flash("The rows still waiting were dropped; the recipients already saved stay on the list.", "success")
    return redirect(url_for(".index", design_id=design_id))
