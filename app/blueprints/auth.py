"""Log in and out, with limits on wrong passwords per account and per address."""

import math
import time

from flask import Blueprint, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.forms import ActionForm, LoginForm
from app.security import home_for, safe_next
from app.services.accounts import authenticate, end_sessions

bp = Blueprint("auth", __name__)


def _account_attempts() -> str:
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


def _address_attempts() -> str:
    return current_app.config["RATELIMIT_LOGIN_ADDRESS"]


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()


def _address_key() -> str:
    return "address:" + (get_remote_address() or "unknown")


def _failed(_response: Response) -> bool:
    """Only a wrong password counts; a successful login never uses up anyone's attempts."""
    return bool(g.get("login_failed"))


def _refused(who: str):
    def on_breach(limit: RequestLimit) -> Response:
        minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
        wait = f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        message = f"Too many attempts {who}. {wait}"
        form = LoginForm(next=request.form.get("next", ""))
        form.password.data = ""
        return make_response(render_template("auth/login.html", form=form, refused=message), 429)

    return on_breach


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _account_attempts,
    key_func=_account_key,
    scope="login-account",
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_refused("for this account"),
)
@limiter.limit(
    _address_attempts,
    key_func=_address_key,
    scope="login-address",
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_refused("from your network"),
)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(safe_next(form.next.data) or home_for(user))
        g.login_failed = True
        flash("That email and password do not match an account. Please try again.", "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    if ActionForm().validate_on_submit():
        if current_user.is_authenticated:
            end_sessions(current_user)  # every copy of this session cookie stops working too
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def root() -> Response:
    return redirect(home_for(current_user) if current_user.is_authenticated else url_for("auth.login"))
