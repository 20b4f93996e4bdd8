"""Liveness of the database, the broker and the worker, for monitors and for people."""

import contextlib
import hmac

from flask import Blueprint, abort, current_app, jsonify, request
from flask import Response as FlaskResponse
from werkzeug.wrappers import Response

from app import observability
from app.services import health, workers
from configurator import avatars
from configurator.catalog import load_catalog

bp = Blueprint("health", __name__)


def _check(fn) -> str:
    try:
        fn()
    except Exception:  # a health check reports failures (in words, not exception text); never raises
        current_app.logger.warning("health check %s failed", fn.__name__, exc_info=True)
        return "unreachable"
    return "ok"


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    state = {
        "database": _check(health.database),
        "broker": _check(health.broker),
        "storage": _check(health.files),
        "worker": "unknown",
    }
    age = None
    with contextlib.suppress(Exception):  # the database check above already says why
        worker = workers.state()
        age = worker.age_seconds
        state["worker"] = "ok" if worker.alive else ("stale" if age is not None else "never seen")
    healthy = all(v == "ok" for v in state.values())
    body = {"status": "ok" if healthy else "degraded", **state, "worker_last_seen_seconds_ago": age}
    return jsonify(body), 200 if healthy else 503


@bp.get("/metrics")
def metrics() -> FlaskResponse:
    """Prometheus metrics, for a bearer of ``METRICS_TOKEN`` or, without one, this machine only."""
    token = current_app.config["METRICS_TOKEN"]
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), token.encode()):
            abort(404)
    elif request.remote_addr not in ("127.0.0.1", "::1"):
        abort(404)
    return FlaskResponse(observability.exposition(), mimetype="text/plain; version=0.0.4")


@bp.get("/colours.css")
def colours() -> FlaskResponse:
    """Swatch and avatar colours as classes, so pages need no inline styles under our CSP."""
    rules = "".join(f".c-{c.id}{{--c:{c.hex}}}" for c in load_catalog().colours.values())
    rules += "".join(f".av-{c.id}{{background:{c.hex}}}" for c in avatars.COLOURS)
    response = FlaskResponse(rules, mimetype="text/css")
    response.cache_control.max_age = 3600
    return response
