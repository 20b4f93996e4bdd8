"""Errors under ``/api`` as RFC 9457 problem details, with one ``errors`` entry per field.

The app's error handlers (:mod:`app.security`) call :func:`problem` for every request under
``/api/``, so a 404 from routing, a 422 from a schema, a service's refusal and a 500 all look alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import jsonify
from flask.wrappers import Response

PROBLEM = "application/problem+json"
PREFIX = "/api/"


def is_api(path: str) -> bool:
    return path.startswith(PREFIX)


def problem(
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    response = jsonify(type="about:blank", title=phrase, status=status, detail=detail, errors=errors or [])
    response.status_code = status
    response.mimetype = PROBLEM
    response.headers.update(dict(headers or {}))
    return response


def field_errors(violations: Mapping[str, str], where: str = "body") -> list[dict[str, str]]:
    """A service's ``Invalid.violations`` (field -> message) as problem ``errors``."""
    return [{"field": field, "in": where, "detail": message} for field, message in violations.items()]


LOCATIONS = {"json": "body", "query": "query", "headers": "header", "view_args": "path"}


def schema_errors(messages: Mapping[str, Any]) -> list[dict[str, str]]:
    """webargs' nested messages (``{"json": {"items": {0: {"colour": [...]}}}}``), one entry per field."""
    out: list[dict[str, str]] = []

    def walk(node: Any, path: list[str], where: str) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                walk(value, [*path, str(key)], where)
        elif isinstance(node, list) and all(isinstance(m, str) for m in node):
            out.append({"field": ".".join(path) or "_body", "in": where, "detail": " ".join(node)})
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, [*path, str(index)], where)
        else:
            out.append({"field": ".".join(path) or "_body", "in": where, "detail": str(node)})

    for location, node in messages.items():
        walk(node, [], LOCATIONS.get(location, location))
    return out
