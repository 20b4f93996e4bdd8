"""The approval record of an order as a PDF: what was approved, by whom, when, from where.

A pure renderer like the proof: plain strings in (built by the app from the database), PDF
bytes out, through an autoescaping Jinja environment and the asset-only URL fetcher.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from weasyprint import CSS, HTML

from proofs.fetcher import make_url_fetcher

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "proofs"
REQUIRED = ("reference", "organisation", "design_name", "proof_reference", "version", "ordered_at")


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(record: dict[str, Any], *, has_mockup: bool) -> str:
    missing = [k for k in REQUIRED if k not in record]
    if missing:
        raise ValueError(f"approval record is missing {missing}")
    data = {
        "threshold": "",
        "spec": [],
        "quote": {"lines": [], "discount": "", "discount_label": "", "total": ""},
        "decisions": [],
        "events": [],
        **record,
    }
    return _environment().get_template("approval_record.html").render(has_mockup=has_mockup, **data)


def render_approval_record(record: dict[str, Any], mockup_png: bytes | None = None) -> bytes:
    """Render the record to PDF bytes; ``mockup_png`` is the approved picture, when available."""
    assets = {"mockup.png": mockup_png} if mockup_png else {}
    fetcher = make_url_fetcher(assets)
    css = (TEMPLATE_DIR / "approval_record.css").read_text(encoding="utf-8")
    html = HTML(string=render_html(record, has_mockup=bool(mockup_png)), url_fetcher=fetcher, base_url=None)
    return html.write_pdf(stylesheets=[CSS(string=css, url_fetcher=fetcher)])
