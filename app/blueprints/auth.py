"""Log in and out, join by invitation, reset and change passwords, all with limits per account and address."""

import math
import time

from flask import Blueprint, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.forms import ActionForm, ChangePasswordForm, JoinForm, LoginForm, NewPasswordForm, ResetRequestForm
from app.models import Role
from app.security import home_for, roles_required, safe_next
from app.services import accounts, members, preferences
from app.services.accounts import authenticate, end_sessions
from app.services.errors import Conflict, Invalid, NotFound
from app.services.share_links import LinkClosed

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


# --- Password reset ----------------------------------------------------------------------------


def _reset_account_key() -> str:
    return "reset:" + (request.form.get("email") or "").strip().lower()


def _reset_refused(limit: RequestLimit) -> Response:
    minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
    message = f"Too many requests. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    page = render_template("auth/forgot.html", form=ResetRequestForm(), refused=message)
    return make_response(page, 429)


reset_by_address = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_RESET_ADDRESS"],
    key_func=_address_key,
    scope="reset-address",
    methods=["POST"],
    error_message="Too many requests from your network. Please wait a few minutes and try again.",
)
"""Per address, over asking for resets and using reset and invitation links."""


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["RATELIMIT_RESET_ACCOUNT"],
    key_func=_reset_account_key,
    scope="reset-account",
    methods=["POST"],
    on_breach=_reset_refused,
)
@reset_by_address
def forgot_password() -> str | Response | tuple[str, int]:
    form = ResetRequestForm()
    if form.validate_on_submit():
        try:
            accounts.request_reset(form.email.data or "")
        except Invalid as exc:
            form.email.errors = [str(exc)]
            return render_template("auth/forgot.html", form=form), 422
        return redirect(url_for("auth.reset_sent"))
    return render_template("auth/forgot.html", form=form)


@bp.get("/password/forgot/sent")
def reset_sent() -> str:
    """The one answer to every reset request, whether or not the address has an account."""
    return render_template("auth/reset_sent.html", minutes=accounts.RESET_MINUTES)


def _closed(exc: NotFound) -> tuple[str, int]:
    reason = exc.reason if isinstance(exc, LinkClosed) else "invalid"
    return render_template("auth/link_closed.html", message=str(exc), reason=reason), exc.status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@reset_by_address
def reset_password(token: str) -> str | Response | tuple[str, int]:
    try:
        accounts.open_reset(token)
    except NotFound as exc:
        return _closed(exc)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(token, form.new_password.data or "")
        except NotFound as exc:
            return _closed(exc)
        except Invalid as exc:
            form.new_password.errors = [str(exc)]
            return render_template("auth/reset.html", form=form), 422
        login_user(user)
        flash("Your password is changed. Every other device was logged out.", "success")
        return redirect(home_for(user))
    return render_template("auth/reset.html", form=form)


# --- Joining by invitation ---------------------------------------------------------------------


@bp.route("/join/<token>", methods=["GET", "POST"])
@reset_by_address
def join(token: str) -> str | Response | tuple[str, int]:
    try:
        invitation = members.open_invitation(token)
    except NotFound as exc:
        return _closed(exc)
    form = JoinForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = members.accept_invitation(token, form.display_name.data or "", form.password.data or "")
        except NotFound as exc:
            return _closed(exc)
        except Conflict as exc:
            return render_template("auth/link_closed.html", message=str(exc), reason="account"), 409
        except Invalid as exc:
            for name, message in exc.violations.items():
                form[name].errors = [message]
            status = 422
        else:
            login_user(user)
            flash(f"Welcome to {user.organisation.name}, {user.display_name}.", "success")
            return redirect(home_for(user))
    page = render_template("auth/join.html", form=form, invitation=invitation)
    return page, status


# --- Change password ---------------------------------------------------------------------------


def _signed_in_account() -> str:
    return "account:" + (current_user.email or "").lower() if current_user.is_authenticated else "anonymous"


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(
    _account_attempts,
    key_func=_signed_in_account,
    scope="password-change",
    methods=["POST"],
    deduct_when=_failed,
    error_message="Too many wrong passwords. Please wait 15 minutes and try again.",
)
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, form.current_password.data or "", form.new_password.data or ""
            )
        except Invalid as exc:
            g.login_failed = "current_password" in exc.violations
            for name, message in exc.violations.items():
                form[name].errors = [message]
            return render_template("auth/password.html", form=form), 422
        login_user(current_user._get_current_object())  # this device stays logged in, the others not
        flash("Your password is changed. Every other device was logged out.", "success")
        return redirect(home_for(current_user))
    return render_template("auth/password.html", form=form)


# --- Notification settings -------------------------------------------------------------------


@bp.route("/account/notifications", methods=["GET", "POST"])
@roles_required(Role.BUYER, Role.APPROVER, Role.STAFF)  # makers and the workshop get no e-mail
def notification_settings() -> str | Response:
    """Which e-mails this person receives; those their role must get are shown fixed."""
    if request.method == "POST":
        preferences.save(current_user, request.form.getlist("kind"))
        flash("Your notification choices are saved.", "success")
        return redirect(url_for("auth.notification_settings"))
    return render_template("auth/notifications.html", choices=preferences.choices(current_user))
