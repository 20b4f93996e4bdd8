"""Designs: create (from a classic box or a whole spec), read, list, change, validate, submit.

Every view calls the same services as the web wizard, as the token's maker, so the rules, the
organisation isolation and the revision lock are the web app's own.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import request, url_for
from flask.wrappers import Response

from app.api import present
from app.api.auth import caller, needs
from app.api.blueprint import api_blueprint
from app.api.idempotency import idempotent
from app.api.problems import problem
from app.api.schemas import (
    DesignCreateSchema,
    DesignPageSchema,
    DesignSchema,
    DesignUpdateSchema,
    ListQuerySchema,
    ProofSchema,
    ValidationSchema,
)
from app.models import Design
from app.services import designs
from app.services.errors import Invalid
from configurator.catalog import load_catalog
from configurator.rules import check
from configurator.spec import BoxSpec
from configurator.vocabulary import ApiScope

bp = api_blueprint("api_designs", "designs", "Box designs")

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": "The ETag (revision) of the design you saw; a stale one is refused with 412.",
}
OPTIONAL_IF_MATCH = {**IF_MATCH, "required": False}
CURSOR = "before:"


def _spec(fields: dict[str, Any], base: BoxSpec | None = None) -> BoxSpec:
    """A spec from the schema's fields, laid over ``base`` (a PATCH changes only what it names)."""
    data = {**(base.to_dict() if base else {}), **fields}
    if "needed_by" in fields:
        data["needed_by"] = fields["needed_by"].isoformat() if fields["needed_by"] else None
    return BoxSpec.from_dict(data)


@contextmanager
def _fields_of_spec() -> Iterator[None]:
    """Name a spec rule's field where the request put it (``spec.box_size``), as the schema does."""
    try:
        yield
    except Invalid as exc:
        named = {
            field if field == "name" else f"spec.{field}": message
            for field, message in exc.violations.items()
        }
        raise Invalid(str(exc), named) from exc


def _with_etag(
    found: Design, status: int = 200, **headers: str
) -> tuple[dict[str, Any], int, dict[str, str]]:
    return present.design(found), status, {"ETag": present.etag(found), **headers}


def _matches(found: Design, header: str | None) -> bool | None:
    """Whether ``If-Match`` names the design's revision; None when the header is missing."""
    if header is None:
        return None
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or present.etag(found) in tags


def _encode(before_id: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR}{before_id}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    number = raw.removeprefix(CURSOR)
    if not raw.startswith(CURSOR) or not number.isdigit() or len(number) > 10:
        return None
    return int(number)


@bp.get("")
@needs(ApiScope.READ)
@bp.arguments(ListQuerySchema, location="query", as_kwargs=True)
@bp.response(200, DesignPageSchema)
def list_designs(limit: int, cursor: str | None = None) -> dict[str, Any] | Response:
    """The organisation's current designs, newest first, a page at a time (follow next_cursor)."""
    before = None
    if cursor is not None:
        before = _decode(cursor)
        if before is None:
            detail = "This cursor is not one we gave out; start again without it."
            return problem(422, detail, [{"field": "cursor", "in": "query", "detail": detail}])
    found = designs.designs_before(caller().user, before, limit + 1)
    page, more = found[:limit], len(found) > limit
    return {"items": [present.design(d) for d in page], "next_cursor": _encode(page[-1].id) if more else None}


@bp.post("")
@idempotent
@needs(ApiScope.DESIGN)
@bp.arguments(DesignCreateSchema)
@bp.response(201, DesignSchema, headers={"ETag": {"schema": {"type": "string"}}})
def create(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """A new draft, from a classic box (classic_id) or a whole spec."""
    user = caller().user
    if "classic_id" in body:
        made = designs.create_from_classic(user, body["classic_id"], body["name"])
    else:
        with _fields_of_spec():
            made = designs.create_from_spec(user, body["name"] or "Design from the API", _spec(body["spec"]))
    return _with_etag(made, 201, Location=url_for("api_designs.show", design_id=made.id))


@bp.get("/<int:design_id>")
@needs(ApiScope.READ)
@bp.response(200, DesignSchema, headers={"ETag": {"schema": {"type": "string"}}})
def show(design_id: int) -> tuple[dict[str, Any], int, dict[str, str]]:
    """One design; its ETag is its revision, for If-Match on a change."""
    return _with_etag(designs.get_design(caller().user, design_id))


@bp.patch("/<int:design_id>")
@needs(ApiScope.DESIGN)
@bp.arguments(DesignUpdateSchema)
@bp.doc(parameters=[IF_MATCH])
@bp.response(200, DesignSchema, headers={"ETag": {"schema": {"type": "string"}}})
def update(body: dict[str, Any], design_id: int) -> tuple[dict[str, Any], int, dict[str, str]] | Response:
    """Rename a design or change its spec (the fields given, merged into the current spec)."""
    user = caller().user
    found = designs.get_design(user, design_id)
    matched = _matches(found, request.headers.get("If-Match"))
    if matched is None:
        return problem(
            428, "Send If-Match with the design's ETag, so a colleague's change is not overwritten."
        )
    if not matched:
        return problem(
            412,
            "This design changed since you read it; read it again and retry.",
            headers={"ETag": present.etag(found)},
        )
    if "spec" in body:
        with _fields_of_spec():
            designs.update_draft(found, found.revision, _spec(body["spec"], BoxSpec.from_dict(found.spec)))
    if "name" in body and body["name"] != found.name:
        designs.rename(user, found, found.name, body["name"])
    return _with_etag(designs.get_design(user, design_id))


@bp.post("/<int:design_id>/validate")
@idempotent
@needs(ApiScope.READ)
@bp.response(200, ValidationSchema)
def validate(design_id: int) -> dict[str, Any]:
    """Every rule the design breaks for a proof, all at once (an empty list: it can be submitted)."""
    found = designs.get_design(caller().user, design_id)
    problems = check(BoxSpec.from_dict(found.spec), load_catalog())
    return {"valid": not problems, "violations": [{"field": v.field, "message": v.message} for v in problems]}


@bp.post("/<int:design_id>/submit")
@idempotent
@needs(ApiScope.DESIGN)
@bp.doc(parameters=[OPTIONAL_IF_MATCH])
@bp.response(202, ProofSchema)
def submit(design_id: int) -> tuple[dict[str, Any], int, dict[str, str]] | Response:
    """Ask for a proof; it is drawn in the background (poll the proof, or its Location)."""
    user = caller().user
    found = designs.get_design(user, design_id)
    header = request.headers.get("If-Match")
    if _matches(found, header) is False:
        return problem(
            412,
            "This design changed since you read it; read it again and retry.",
            headers={"ETag": present.etag(found)},
        )
    made = designs.submit(found, user, found.revision)
    return present.proof(made), 202, {"Location": url_for("api_proofs.show", proof_id=made.id)}
