"""Who calls the API: a bearer token, never a session cookie, checked before every resource view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from flask.wrappers import Response

from app.api.problems import problem
from app.services import api_tokens
from app.services.api_tokens import Caller
from configurator.vocabulary import ApiScope

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


def current_caller() -> Caller | None:
    """The request's token holder, looked up once per request (the rate limit's key asks first)."""
    if "api_caller" not in g:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        g.api_caller = api_tokens.authenticate(secret.strip()) if scheme.lower() == "bearer" else None
    return g.api_caller


def caller() -> Caller:
    """The caller of an authenticated view (:func:`authenticate` ran before it)."""
    found = current_caller()
    assert found is not None, "authenticate runs before every API view"
    return found


def authenticate() -> Response | None:
    """``before_request`` of every resource blueprint: no valid token, no answer but 401."""
    if current_caller() is None:
        return problem(401, "Send a valid API token: Authorization: Bearer <token>.", headers=CHALLENGE)
    return None


def needs(scope: ApiScope) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse the view with 403 unless the token holds ``scope``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if scope not in caller().scopes:
                return problem(403, f"This token may not do this: it needs the “{scope.value}” scope.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def rate_key() -> str:
    """Flask-Limiter's key: the token's id, or the address for a request without a valid token."""
    found = current_caller()
    return f"api-token:{found.token_id}" if found else f"api-anonymous:{request.remote_addr}"
