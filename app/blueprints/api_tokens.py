"""The organisation's API tokens: an admin makes one (shown once), sees them all, revokes one."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.forms import ActionForm, ApiTokenForm
from app.models import Role
from app.security import roles_required
from app.services import api_tokens
from app.services.errors import Conflict, Invalid

bp = Blueprint("api_tokens", __name__, url_prefix="/organisation/api-tokens")


def _page(form: ApiTokenForm | None = None, secret: str | None = None, status: int = 200) -> tuple[str, int]:
    page = api_tokens.tokens_page(current_user)
    form = form or ApiTokenForm(scopes=["read"])
    return render_template(
        "organisation/api_tokens.html", page=page, form=form, action=ActionForm(), secret=secret
    ), status


@bp.get("")
@roles_required(Role.ORGANISATION_ADMIN)
def index() -> tuple[str, int]:
    return _page()


@bp.post("")
@roles_required(Role.ORGANISATION_ADMIN)
def create() -> tuple[str, int]:
    """The new token is on this response only: it is never stored, so never shown again."""
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        made = api_tokens.create(current_user, form.name.data or "", list(form.scopes.data or []))
    except Invalid as exc:
        for name, message in exc.violations.items():
            getattr(form, name).errors = [message]
        return _page(form, status=422)
    return _page(secret=made.secret, status=201)


@bp.post("/<int:token_id>/revoke")
@roles_required(Role.ORGANISATION_ADMIN)
def revoke(token_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        name = api_tokens.revoke(current_user, token_id)
    except Conflict as exc:
        flash(str(exc), "error")
    else:
        flash(f"The token “{name}” was revoked; systems using it are refused from now on.", "success")
    return redirect(url_for("api_tokens.index"))
