"""Login, roles, security headers and error pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from app.api.problems import field_errors, is_api, problem, schema_errors
from app.extensions import db, login_manager
from app.models import Role, User
from app.services.accounts import session_user
from app.services.errors import ServiceError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

HSTS = "max-age=31536000; includeSubDomains"


def safe_next(target: str | None) -> str | None:
    """Only our own pages: a path with no scheme, no host and no protocol-relative trick."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return None
    return target


def _back_to_page() -> str | None:
    """The page the failed form was on (same host only), so the person can simply try again."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
    return safe_next(request.path) if request.method == "GET" else None


def roles_required(*roles: Role) -> Callable:
    """Allow only users holding one of ``roles`` (:meth:`Role.holds`: admins hold every role)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not any(current_user.holds(role) for role in roles):
                return render_template(
                    "errors/error.html", code=403, message="This page is not for your role."
                ), 403
            return view(*args, **kwargs)

        return wrapped

    return decorator


def home_for(user: User) -> str:
    if user.role in (Role.MAKER, Role.WORKSHOP):
        return url_for("production.board")
    if user.is_staff:
        return url_for("staff.dashboard")
    return url_for("designs.index")


def init_security(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(session_user)
    app.after_request(_headers_for(production=app.config.get("APP_ENV") == "production"))
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(413, _too_large)
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(OverflowError, _out_of_range)
    app.register_error_handler(DataError, _out_of_range)
    app.register_error_handler(RateLimitExceeded, _too_many)
    app.register_error_handler(HTTPException, _http_error)


def _headers_for(production: bool) -> Callable[[Any], Any]:
    def headers(response: Any) -> Any:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if production:
            # Browsers then never try plain HTTP for this site again (for a year), even from a typed link.
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    return headers


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def _error_page(code: int, message: str) -> Any:
    if _wants_json():
        return jsonify(error=message), code
    return render_template("errors/error.html", code=code, message=message), code


def _csrf_error(_error: CSRFError) -> Any:
    flash("This page had expired, so nothing was changed. Please try again.", "error")
    return redirect(_back_to_page() or url_for("auth.root"))


def _too_large(_error: HTTPException) -> Any:
    if is_api(request.path):
        return problem(413, "The request body is too large.")
    flash("That file is too large: logos can be up to 10 MB. Nothing else was changed.", "error")
    return redirect(_back_to_page() or url_for("auth.root"))


def _service_error(error: ServiceError) -> Any:
    if is_api(request.path):
        return problem(error.status, str(error), field_errors(getattr(error, "violations", {})))
    return _error_page(error.status, str(error))


def _out_of_range(error: Exception) -> Any:
    """A number too large for the database (a tampered id or field): nothing to find, not a crash."""
    db.session.rollback()
    current_app.logger.warning("Out-of-range value in %s %s: %s", request.method, request.path, error)
    if is_api(request.path):
        return problem(404, "We could not find that.")
    return _error_page(404, "We could not find that." if _wants_json() else "We could not find that page.")


def _too_many(error: RateLimitExceeded) -> Any:
    """The page the limit chose (the login form with when to try again), else a plain sentence."""
    if is_api(request.path):
        return problem(429, f"Too many requests: at most {error.description}. Try again shortly.")
    if error.response is not None:
        return error.response
    return _error_page(429, error.description)


HTTP_MESSAGES = {
    404: "We could not find that page.",
    405: "That action is not available here.",
    413: "That file is too large.",
}
"""What an error page says instead of Werkzeug's description (JSON keeps the description)."""


def _http_error(error: HTTPException) -> Any:
    code = error.code or 500
    if is_api(request.path):
        return _api_error(error, code)
    if _wants_json():
        return jsonify(error=error.description), code
    return _error_page(code, HTTP_MESSAGES.get(code, error.description or ""))


def _api_error(error: HTTPException, code: int) -> Any:
    """Problem details for the API; a schema's refusal (webargs' 422) lists each field's problem."""
    data = getattr(error, "data", None) or {}
    errors = schema_errors(data["messages"]) if "messages" in data else []
    detail = "Please correct the fields listed in errors." if errors else (error.description or "")
    if code >= 500:
        db.session.rollback()
        detail = "Something went wrong on our side; it has been logged."
    headers = dict(data.get("headers") or {})
    if code == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    return problem(code, detail, errors, headers)
