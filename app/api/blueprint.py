"""A resource blueprint of the API: a token before every view, its rate limit, its headers."""

from __future__ import annotations

import math
import time

from flask import Response, current_app
from flask_smorest import Blueprint

from app.api.auth import authenticate, rate_key
from app.extensions import limiter


def rate_headers(response: Response) -> Response:
    """The IETF RateLimit headers (limit, remaining, seconds to reset, policy) of the token's limit."""
    current = limiter.current_limit
    if current is not None:
        window = current.limit.get_expiry()
        reset = min(window, max(0, math.ceil(current.reset_at - time.time())))
        response.headers["RateLimit-Limit"] = str(current.limit.amount)
        response.headers["RateLimit-Remaining"] = str(current.remaining)
        response.headers["RateLimit-Reset"] = str(reset)
        response.headers["RateLimit-Policy"] = f"{current.limit.amount};w={window}"
    return response


def api_blueprint(name: str, path: str, description: str) -> Blueprint:
    bp = Blueprint(name, __name__, url_prefix=f"/api/v1/{path}", description=description)
    bp.before_request(authenticate)
    bp.after_request(rate_headers)
    limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=rate_key)(bp)
    return bp
