"""The maker board: big, plain cards on a shared workshop tablet.

The tablet logs in once as the workshop; each maker taps their pseudonym to start, and the
board then acts as that maker until they tap "Stop" (or ten hours pass). A maker with a
personal login skips the picker. The board shows only what the job needs: never a buyer.
"""

from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response
from wtforms import HiddenField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.extensions import limiter
from app.forms import MAX_ID, ActionForm, Form, parse_id
from app.i18n import BOARD_LANGUAGE, LANGUAGES
from app.models import Role, User
from app.security import roles_required
from app.services import kiosk, previews
from app.services import production as service
from app.services.errors import Conflict, Invalid
from configurator.catalog import load_catalog

bp = Blueprint("production", __name__)
ACTIONS = {"start", "pause", "finish", "release", "report_problem"}
BOARD_ROLES = (Role.MAKER, Role.WORKSHOP)
PICK_HOURS = 10
"""A pick is forgotten after a working day, so tomorrow's first maker never acts as yesterday's last."""


class PickForm(Form):
    maker = HiddenField(validators=[DataRequired()])


class MakerJobForm(Form):
    token = HiddenField(validators=[DataRequired()])
    quantity_done = IntegerField(
        "How many are finished?", validators=[Optional(), NumberRange(min=0, max=MAX_ID)]
    )
    reason = StringField("What is wrong?", validators=[Length(max=20)])  # a ProblemReason
    problem = StringField("Tell us more (you can leave this empty)", validators=[Length(max=500)])


def _maker() -> User | None:
    """The maker working at this tablet now, or None when the workshop tablet waits for a pick.

    A pick ends after a working day, or after ``BOARD_IDLE_MINUTES`` without a touch (the
    next maker must not act as the one who walked away); every board request is a touch.
    """
    picked = session.get("maker_id")
    now = time.time()
    idle = now - session.get("maker_touched_at", now)
    if picked is not None and (
        now - session.get("maker_picked_at", 0) > PICK_HOURS * 3600
        or idle > current_app.config["BOARD_IDLE_MINUTES"] * 60
    ):
        session.pop("maker_id", None)
        picked = None
    session["maker_touched_at"] = now
    return service.acting_maker(current_user, picked)


def _device() -> User | None:
    return current_user if current_user.role == Role.WORKSHOP else None


@bp.get("/board")
@roles_required(*BOARD_ROLES)
def board() -> str:
    maker = _maker()
    if maker is None:
        return render_template("production/pick.html", makers=service.makers(), form=PickForm())
    mine, waiting, waiting_count = service.board(maker)
    return render_template(
        "production/board.html",
        maker=maker,
        shared=current_user.role == Role.WORKSHOP,
        mine=mine,
        waiting=waiting,
        waiting_count=waiting_count,
        catalog=load_catalog(),
    )


@bp.post("/board/maker")
@roles_required(Role.WORKSHOP)
def pick() -> Response:
    form = PickForm()
    maker_id = parse_id(form.maker.data)
    if not form.validate_on_submit() or maker_id is None:
        abort(400)
    maker = service.get_maker(maker_id)
    if maker is None:
        flash(_("That name is not on the board any more. Please ask staff."), "error")
    else:
        session["maker_id"] = maker.id
        session["maker_picked_at"] = session["maker_touched_at"] = time.time()
        if maker.language in LANGUAGES:
            session[BOARD_LANGUAGE] = maker.language
    return redirect(url_for("production.board"))


@bp.post("/board/language")
@roles_required(*BOARD_ROLES)
def language() -> Response:
    """The board's language; remembered for the maker working now (the picker's for the tablet)."""
    chosen = request.form.get("language")
    if not ActionForm().validate_on_submit() or chosen not in LANGUAGES:
        abort(400)
    session[BOARD_LANGUAGE] = chosen
    maker = _maker()
    if maker is not None:
        service.set_language(maker, chosen)
    return redirect(url_for("production.board"))


@bp.post("/board/maker/stop")
@roles_required(*BOARD_ROLES)
def stop() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    session.pop("maker_id", None)
    return redirect(url_for("production.board"))


@bp.post("/board/claim")
@roles_required(*BOARD_ROLES)
def claim() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    maker = _maker()
    if maker is None:
        return redirect(url_for("production.board"))
    job = service.claim_next(maker, device=_device())
    if job is None:
        flash(_("No job is waiting now. Well done!"), "info")
    else:
        flash(_("Your new job: %(title)s.", title=job.title), "success")
    return redirect(url_for("production.board"))


@bp.post("/board/jobs/<int:job_id>/<action>")
@roles_required(*BOARD_ROLES)
def act(job_id: int, action: str) -> Response:
    form = MakerJobForm()
    if action not in ACTIONS or not form.validate_on_submit():
        abort(400)
    maker = _maker()
    if maker is None:
        return redirect(url_for("production.board"))
    if action == "finish" and form.quantity_done.data is None:
        flash(_("Type how many you finished, then tap Done."), "error")
        return redirect(url_for("production.board"))
    ordered = service.job_quantity(job_id) if action == "finish" else None
    try:
        job = service.act(
            maker,
            job_id,
            form.token.data or "",
            action,
            form.quantity_done.data,
            form.reason.data or "",
            form.problem.data or "",
            device=_device(),
        )
    except (Conflict, Invalid) as exc:
        flash(_(str(exc)), "error")  # the service's fixed sentences are in the board's catalog
    else:
        if action == "report_problem":
            flash(_("Thank you. Staff will come to help."), "success")
        elif action == "finish":
            flash(_finished(job.quantity, (ordered or job.quantity) - job.quantity), "success")
    return redirect(url_for("production.board"))


@bp.route("/board/picture", methods=["GET", "POST"])
@roles_required(*BOARD_ROLES)
def avatar() -> str | Response:
    """The maker chooses their picture: a colour and a symbol nobody else has."""
    maker = _maker()
    if maker is None:
        return redirect(url_for("production.board"))
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        chosen = (request.form.get("avatar") or "").partition(":")
        try:
            service.choose_avatar(maker, chosen[0], chosen[2])
        except (Conflict, Invalid) as exc:
            flash(str(exc), "error")
        else:
            return redirect(url_for("production.board"))
    return render_template("production/avatar.html", maker=maker, avatars=service.free_avatars(maker))


class PinForm(Form):
    pin = PasswordField("Staff PIN", validators=[DataRequired()])


@bp.route("/board/leave", methods=["GET", "POST"])
@roles_required(Role.WORKSHOP)
@limiter.limit("10 per 15 minutes", key_func=lambda: f"kiosk:{current_user.id}", methods=["POST"])
def leave() -> str | Response:
    """Leave the kiosk: a staff member's PIN logs the tablet out, to the login page."""
    form = PinForm()
    if form.validate_on_submit():
        staff = kiosk.unlocking_staff(form.pin.data or "")
        if staff is not None:
            kiosk.record_unlock(current_user, staff)
            logout_user()
            session.clear()
            flash("The workshop tablet is unlocked. Log in as yourself.", "success")
            return redirect(url_for("auth.login"))
        form.pin.errors = [_("That PIN is not right. Ask a staff member.")]
    return render_template("production/leave.html", form=form)


def _finished(made: int, rest: int) -> str:
    if not rest:
        return _("Thank you! All finished: %(made)s.", made=made)
    return _(
        "Thank you! Finished: %(made)s. Back to the list, for someone to finish: %(rest)s.",
        made=made,
        rest=rest,
    )


@bp.get("/board/pictures/<product_id>/<colour>/<int:px>.png")
@roles_required(Role.MAKER, Role.WORKSHOP, Role.STAFF)
def picture(product_id: str, colour: str, px: int) -> Response:
    """The product drawing in the job's colour; ids come from the catalog, so nothing else is drawn."""
    response = Response(previews.job_png(product_id, colour, px), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    return response
