"""Human-readable API docs at /api/docs, drawn on the server from the OpenAPI document.

No Swagger UI or ReDoc: both load scripts from a CDN, which our CSP (and an offline machine)
refuses; a plain page of our own needs neither script nor network.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, render_template
from markupsafe import Markup, escape

bp = Blueprint("api_docs_page", __name__)
METHODS = ("get", "post", "put", "patch", "delete")
# A CommonMark code span as the descriptions write it (docstrings say ``name``, as rst does).
CODE_SPAN = re.compile(r"(`+)(.+?)\1")


@bp.app_template_filter("code_spans")
def code_spans(text: str) -> Markup:
    """A description with its code spans set as code, everything else escaped."""
    spans = CODE_SPAN.split(str(text))
    out = [escape(spans[0])]
    for index in range(1, len(spans), 3):
        out.append(Markup("<code>{}</code>").format(spans[index + 1].strip()))
        out.append(escape(spans[index + 2]))
    return Markup("").join(out)


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                body = (
                    op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
                )
                out.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": op.get("summary", ""),
                        "description": op.get("description", ""),
                        "parameters": op.get("parameters", []) + item.get("parameters", []),
                        "body": body.get("$ref", "").rsplit("/", 1)[-1],
                        "responses": sorted(op.get("responses", {}).items()),
                    }
                )
    return out


@bp.get("/api/docs")
def docs() -> str:
    spec = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    schemas = spec.get("components", {}).get("schemas", {})
    return render_template("api/docs.html", spec=spec, operations=_operations(spec), schemas=schemas)
