"""Small helpers shared by views."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any

from flask import Flask, Response, jsonify, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app import status_words
from app.faults import is_database_fault
from app.forms import radio_options
from app.models import Document, Proof
from app.services import documents, health, workers
from configurator.states import DocumentStatus, RenderStatus
from configurator.tracking import tracking_url
from configurator.vocabulary import VOCABULARY

STATUS_TEXT = {
    RenderStatus.QUEUED: "Waiting for a renderer…",
    RenderStatus.RENDERING: "Drawing your proof…",
    RenderStatus.READY: "Ready",
    RenderStatus.FAILED: "Something went wrong while drawing this proof. Our team has been told.",
}


def proof_status(proof: Proof) -> dict[str, Any]:
    """The proof's state as plain data, for the page and for the polling endpoint."""
    ready = proof.status == RenderStatus.READY
    late = workers.proof_is_late(proof)
    return {
        "id": proof.id,
        "version": proof.version,
        "status": proof.status,
        "late": late,
        "text": workers.LATE_TEXT.capitalize() + "." if late else STATUS_TEXT[proof.status],
        "png": url_for("proofs.mockup", proof_id=proof.id) if ready else None,
        "pdf": url_for("proofs.pdf", proof_id=proof.id) if ready else None,
    }


PREPARING = "We are preparing it now; this usually takes a few seconds."
DOCUMENT_TEXT = {
    DocumentStatus.QUEUED: PREPARING,
    DocumentStatus.RENDERING: PREPARING,
    DocumentStatus.READY: "Ready.",
    DocumentStatus.FAILED: "We could not prepare this document. Please try again later, "
    "or ask us and we will send it to you.",
}
"""What a person reads about a document the worker makes (see :func:`document_response`)."""


ACTION_LABELS = {
    "start_production": "Start production",
    "send_to_qa": "Send to quality check",
    "fail_qa": "Back to production",
    "pack": "Mark packed",
    "ship": "Mark shipped",
    "deliver": "Mark delivered",
    "cancel": "Cancel order",
}


def money(value: Decimal | str | int) -> str:
    """US dollars with thousands separators: 1200 -> $1,200.00."""
    return f"${Decimal(str(value)):,.2f}"


def csrf_field() -> Markup:
    """The hidden CSRF input of a form: the same token as ``form.csrf_token`` renders, with no
    ``id`` (a page of several forms would repeat it) and without building a form to get it."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())


FIXED_URLS = frozenset({"static", "wizard.product_picture", "production.picture"})
"""Endpoints whose URL depends on nothing but their arguments: files and catalog pictures."""


def page_url(endpoint: str, **values: Hashable) -> str:
    """``url_for`` as templates call it; the URLs of ``FIXED_URLS`` are built once per process.

    A wizard page shows a picture per product and a board one per job: building each URL again
    cost as much as one of the page's queries.
    """
    if endpoint in FIXED_URLS and not any(name.startswith("_") for name in values):
        return _fixed_url(request.script_root, endpoint, tuple(sorted(values.items())))
    return url_for(endpoint, **values)


@functools.lru_cache(maxsize=4096)
def _fixed_url(_script_root: str, endpoint: str, values: tuple[tuple[str, Hashable], ...]) -> str:
    return url_for(endpoint, **dict(values))


def register_filters(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = page_url
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.globals["radio_options"] = radio_options
    app.jinja_env.globals["worker_state"] = workers.state
    app.jinja_env.globals["tracking_url"] = tracking_url
    app.jinja_env.globals["design_words"] = status_words.design_words
    app.jinja_env.globals["order_words"] = status_words.order_words
    app.jinja_env.globals["proof_words"] = status_words.proof_words
    app.jinja_env.globals["action_label"] = lambda action: ACTION_LABELS.get(action, action.replace("_", " "))
    # Templates name terms as ``LogoPlacement(spec.logo_placement).label`` or ``JobKind.LOGO``.
    app.jinja_env.globals.update({kind.__name__: kind for kind in VOCABULARY})


def pdf_response(
    data: bytes, filename: str, *, download: bool = False, cache: str = "private, no-store"
) -> Response:
    """A PDF we made, shown in the browser (or downloaded) under a readable file name."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'{"attachment" if download else "inline"}; filename="{filename}"'
    )
    response.headers["Cache-Control"] = cache
    return response


def document_response(
    document: Document, serve: Callable[[bytes], Response], *, title: str, back: tuple[str, str]
) -> Response:
    """A document the worker makes: the stored file when ready, else a page that waits for it.

    A poll (``Accept: application/json``) gets the document's state; the page polls the same
    URL through ``app.js`` and opens the file once it is ready. Nothing is drawn here.
    """
    status = document.status
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        response = jsonify(status=status.value, text=DOCUMENT_TEXT[status])
        response.headers["Cache-Control"] = "no-store"
        return response
    if status == DocumentStatus.READY:
        return serve(documents.read(document))
    page = render_template(
        "documents/preparing.html",
        title=title,
        status=status,
        text=DOCUMENT_TEXT[status],
        url=request.full_path.rstrip("?"),
        back_url=back[0],
        back_label=back[1],
    )
    response = Response(page, 500 if status == DocumentStatus.FAILED else 202)
    response.headers["Cache-Control"] = "no-store"
    if status != DocumentStatus.FAILED:
        response.headers["Retry-After"] = "2"
    return response


DATABASE_UNAVAILABLE = "We could not reach our database. Please try again in a moment."
RETRY_AFTER_SECONDS = 5


def register_database_outage_page(app: Flask) -> None:
    """A request that loses its database connection answers 503 with a sentence, never a 500.

    Its transaction is rolled back (what was committed before stays); the next request gets
    a fresh connection (``pool_pre_ping``). Other database errors stay what they were.
    """

    @app.errorhandler(DBAPIError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error: SQLAlchemyError) -> Any:
        if not is_database_fault(error):
            raise error
        health.abandon_transaction()
        app.logger.warning("Database unreachable in %s %s: %s", request.method, request.path, error)
        if request.path.startswith("/api/") or request.path.endswith(".json"):
            response = jsonify(error=DATABASE_UNAVAILABLE)
        else:
            response = Response(
                render_template("errors/database_unavailable.html", message=DATABASE_UNAVAILABLE)
            )
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
