"""Log in and out."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app.forms import ActionForm, LoginForm
from app.security import home_for, safe_next
from app.services.accounts import authenticate, end_sessions

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(safe_next(form.next.data) or home_for(user))
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
