"""The organisation's webhooks: an admin registers endpoints (secret shown once), switches or
deletes one, reads the delivery log and sends one delivery again."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.forms import ActionForm, WebhookForm, WebhookSwitchForm
from app.models import Role
from app.security import roles_required
from app.services.errors import Conflict, Invalid
from app.services.webhooks import endpoints

bp = Blueprint("webhooks", __name__, url_prefix="/organisation/webhooks")
ADMIN = Role.ORGANISATION_ADMIN


def _page(
    form: WebhookForm | None = None, made: endpoints.NewEndpoint | None = None, status: int = 200
) -> tuple[str, int]:
    page = endpoints.webhooks_page(current_user)
    return render_template(
        "organisation/webhooks.html",
        page=page,
        form=form or WebhookForm(),
        action=ActionForm(),
        made=made,
    ), status


def _back(anchor: str) -> Response:
    return redirect(url_for("webhooks.index", _anchor=anchor))


@bp.get("")
@roles_required(ADMIN)
def index() -> tuple[str, int]:
    return _page()


@bp.post("")
@roles_required(ADMIN)
def create() -> tuple[str, int]:
    """The signing secret is on this response; the page never shows it again."""
    form = WebhookForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        made = endpoints.create(current_user, form.url.data or "", list(form.events.data or []))
    except Invalid as exc:
        for name, message in exc.violations.items():
            getattr(form, name).errors = [message]
        return _page(form, status=422)
    return _page(made=made, status=201)


@bp.post("/<int:endpoint_id>/switch")
@roles_required(ADMIN)
def switch(endpoint_id: int) -> Response:
    form = WebhookSwitchForm()
    if not form.validate_on_submit() or form.enabled.data not in ("on", "off"):
        abort(400)
    enabled = form.enabled.data == "on"
    try:
        url = endpoints.set_enabled(current_user, endpoint_id, enabled)
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"The webhook to {url} is on again; deliveries that were waiting go out within a minute."
            if enabled
            else f"The webhook to {url} is off; new events are not recorded for it until you switch it on.",
            "success",
        )
    return _back("endpoints")


@bp.post("/<int:endpoint_id>/delete")
@roles_required(ADMIN)
def delete(endpoint_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    url = endpoints.remove(current_user, endpoint_id)
    flash(f"The webhook to {url} was deleted with its delivery log.", "success")
    return _back("endpoints")


@bp.post("/deliveries/<int:delivery_id>/resend")
@roles_required(ADMIN)
def resend(delivery_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        event = endpoints.resend(current_user, delivery_id)
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(f"“{event.label}” is being sent again; the log below shows how it went.", "success")
    return _back("deliveries")
