"""Liveness of the database and the broker, for monitors and for people."""

from flask import Blueprint, current_app, jsonify
from flask import Response as FlaskResponse
from sqlalchemy import text
from werkzeug.wrappers import Response

from app.extensions import db

bp = Blueprint("health", __name__)


def _check(fn) -> str:
    try:
        fn()
    except Exception as exc:  # a health check reports failures; it never raises them
        return f"error: {type(exc).__name__}"
    return "ok"


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    def database() -> None:
        db.session.execute(text("SELECT 1"))

    def broker() -> None:
        with current_app.extensions["celery"].connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)

    state = {"database": _check(database), "broker": _check(broker)}
    healthy = all(v == "ok" for v in state.values())
    return jsonify(status="ok" if healthy else "degraded", **state), 200 if healthy else 503


@bp.get("/colours.css")
def colours() -> FlaskResponse:
    """Swatch colours as classes, so pages need no inline styles under our CSP."""
    from configurator.catalog import load_catalog

    rules = "".join(f".c-{c.id}{{--c:{c.hex}}}" for c in load_catalog().colours.values())
    response = FlaskResponse(rules, mimetype="text/css")
    response.cache_control.max_age = 3600
    return response
