"""The maker board: big, plain cards on a shared workshop tablet."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.forms import ActionForm, JobForm
from app.models import Role
from app.security import roles_required
from app.services import production as service
from app.services.errors import Conflict, Invalid
from configurator.catalog import load_catalog

bp = Blueprint("production", __name__)
ACTIONS = {"start", "pause", "finish", "release", "report_problem"}


@bp.get("/board")
@roles_required(Role.MAKER)
def board() -> str:
    mine, waiting = service.board(current_user)
    return render_template(
        "production/board.html",
        mine=mine,
        waiting=waiting,
        catalog=load_catalog(),
        form=ActionForm(),
        job_form=JobForm(),
    )


@bp.post("/board/claim")
@roles_required(Role.MAKER)
def claim() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    job = service.claim_next(current_user)
    if job is None:
        flash("No jobs are waiting. Well done!", "info")
    else:
        flash(f"You have a new job: {job.title}.", "success")
    return redirect(url_for("production.board"))


@bp.post("/board/jobs/<int:job_id>/<action>")
@roles_required(Role.MAKER)
def act(job_id: int, action: str) -> Response:
    form = JobForm()
    if action not in ACTIONS or not form.validate_on_submit():
        abort(400)
    try:
        service.act(
            current_user, job_id, form.token.data, action, form.quantity_done.data, form.problem.data or ""
        )
    except (Conflict, Invalid) as exc:
        flash(str(exc), "error")
    return redirect(url_for("production.board"))
