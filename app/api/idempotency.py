"""``Idempotency-Key`` on a POST: a repeat gets the first answer, the same key on another request a 422."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, make_response, request

from app.api.auth import caller
from app.api.problems import PROBLEM, problem
from app.services import idempotency

HEADER = "Idempotency-Key"
KEY_MAX = 255
DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX},
    "description": "A key of your choice: a repeat with the same key and body returns the first answer.",
}


def _fingerprint() -> str:
    """The request as a digest: method, path and body (JSON compared by value, not by spacing)."""
    body = request.get_json(silent=True)
    raw = json.dumps(body, sort_keys=True).encode() if body is not None else request.get_data()
    return hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(), raw])).hexdigest()


def _refuse(detail: str, status: int = 422, **headers: str) -> Response:
    return problem(status, detail, [{"field": HEADER, "in": "header", "detail": detail}], headers)


def _replay(status: int, body: Any, headers: dict[str, str] | None) -> Response:
    response = Response(
        json.dumps(body), status=status, mimetype=PROBLEM if status >= 400 else "application/json"
    )
    response.headers.update(headers or {})
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Honour ``Idempotency-Key`` on ``view``, a POST (a request without one runs as it is)."""
    apidoc = getattr(view, "_apidoc", {})
    apidoc.setdefault("manual_doc", {}).setdefault("parameters", []).append(DOC)

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not 0 < len(key) <= KEY_MAX or not key.isprintable():
            return _refuse(f"An {HEADER} is 1 to {KEY_MAX} printable characters.")
        token_id, fingerprint = caller().token_id, _fingerprint()
        first = idempotency.claim(token_id, key, fingerprint)
        if first is not None:
            if first.fingerprint != fingerprint:
                return _refuse(f"This {HEADER} was already used for another request; use a new key.")
            if first.status is None:
                return _refuse(
                    f"The first request with this {HEADER} is still running.", 409, **{"Retry-After": "1"}
                )
            return _replay(first.status, first.body, first.headers)
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            idempotency.release(token_id, key)
            raise
        if response.status_code >= 500:
            idempotency.release(token_id, key)
            return response
        kept = {name: response.headers[name] for name in idempotency.HEADERS if name in response.headers}
        idempotency.finish(token_id, key, response.status_code, response.get_json(silent=True), kept)
        return response

    return wrapped
