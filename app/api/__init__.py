"""JSON API v1: a second door onto the same services, documented by OpenAPI 3.1.

flask-smorest builds the OpenAPI document from the marshmallow schemas that also validate each
request, works on our plain Flask app (apiflask needs its own app class), and brings ETag and
pagination helpers. Its own error handler is left out: :mod:`app.security` answers every error
under ``/api/`` as problem details (:mod:`app.api.problems`).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app.api.problems import PROBLEM
from app.api.schemas import ProblemSchema
from app.extensions import csrf

SETTINGS: dict[str, Any] = {
    "API_TITLE": "Gifts of Hope",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Create gift box designs, submit them and follow their proofs."},
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "servers": [{"url": "/"}],
    },
}


class ProblemApi(Api):
    """flask-smorest whose error responses are documented as ``application/problem+json``."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """The app's own handlers answer errors under /api (see :mod:`app.security`)."""

    def _register_responses(self) -> None:
        """Like flask-smorest's, with the problem media type (it has no setting for that)."""
        for status in HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def init_api(app: Flask) -> Api:
    from app.api import catalog, designs, docs, proofs

    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = ProblemApi(app)
    for module in (catalog, designs, proofs):
        csrf.exempt(module.bp)  # token-authenticated: a cookie never authenticates, so nothing to forge
        api.register_blueprint(module.bp)
    app.register_blueprint(docs.bp)
    return api
