"""The approval record of an order as a PDF: what was approved, by whom, when, from where.

A pure renderer like the proof: plain strings in (built by the app from the database), PDF
bytes out, through an autoescaping Jinja environment and the asset-only URL fetcher.
"""

from __future__ import annotations

from typing import Any

from proofs import bidi
from proofs.documents import environment, write_pdf

REQUIRED = ("reference", "organisation", "design_name", "proof_reference", "version", "ordered_at")


def render_html(record: dict[str, Any], *, has_mockup: bool) -> str:
    missing = [k for k in REQUIRED if k not in record]
    if missing:
        raise ValueError(f"approval record is missing {missing}")
    data = {
        "threshold": "",
        "spec": [],
        "decisions": [],
        "events": [],
        **record,
    }
    # A record stored before tax was quoted has no tax line: it shows none.
    empty = {"lines": [], "discount": "", "discount_label": "", "tax": "", "tax_label": "", "total": ""}
    data["quote"] = {**empty, **record.get("quote", {})}
    # Free text (the card message, comments) keeps the writer's lines, each in its own direction.
    data["spec"] = [(label, bidi.paragraphs(str(value))) for label, value in data["spec"]]
    data["decisions"] = [
        {**d, "comment": bidi.paragraphs(str(d.get("comment", "")))} for d in data["decisions"]
    ]
    return environment().get_template("approval_record.html").render(has_mockup=has_mockup, **data)


def render_approval_record(record: dict[str, Any], mockup_png: bytes | None = None) -> bytes:
    """Render the record to PDF bytes; ``mockup_png`` is the approved picture, when available."""
    assets = {"mockup.png": mockup_png} if mockup_png else {}
    return write_pdf(render_html(record, has_mockup=bool(mockup_png)), "approval_record.css", assets)
