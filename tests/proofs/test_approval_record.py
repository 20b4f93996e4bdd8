"""The approval record PDF: plain data in, PDF bytes out; user text stays text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from proofs.approval_record import render_approval_record, render_html
from proofs.mockup import render_mockup
from tests.proofs.conftest import make_spec

RECORD = {
    "reference": "GOH-000042",
    "organisation": "Acme & Co <Ltd>",
    "design_name": 'Welcome <img src="file:///etc/passwd">',
    "proof_reference": "GOH-D00007-v2",
    "version": 2,
    "ordered_at": "2026-03-04 10:15 UTC",
    "threshold": "$2,500.00",
    "spec": [("Card message", "Привет · مرحبا · 你好 <b>not bold</b>")],
    "quote": {
        "lines": [{"label": "Medium box", "quantity": 25, "unit_price": "$6.00", "amount": "$150.00"}],
        "discount": "",
        "discount_label": "",
        "total": "$1,234.50",
    },
    "decisions": [
        {
            "at": "2026-03-04 10:00 UTC",
            "version": 2,
            "who": "Priya Shah <priya@example.com>",
            "role": "guest via link from Ada Buyer",
            "decision": "Approved",
            "comment": "Looks <great>",
        }
    ],
    "events": [
        {
            "at": "2026-03-04 10:00:01 UTC",
            "who": "Ada Buyer <ada@acme.test> (buyer)",
            "action": "proof.approve",
            "subject": "proof:7",
            "address": "203.0.113.9",
            "detail": "side=buyer, version=2",
        }
    ],
}


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_record_pdf_holds_the_facts_as_text(catalog):
    mockup = render_mockup(make_spec(catalog), catalog, size=(800, 600))
    pdf = render_approval_record(RECORD, mockup)
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    for fact in (
        "GOH-000042",
        "GOH-D00007-v2",
        "$1,234.50",
        "priya@example.com",
        "203.0.113.9",
        "proof.approve",
    ):
        assert fact in text, fact
    assert "Looks <great>" in text and "<b>not bold</b>" in text


def test_user_text_is_escaped_in_the_html():
    html = render_html(RECORD, has_mockup=False)
    assert "&lt;img src=" in html and '<img src="file:' not in html
    assert "Acme &amp; Co &lt;Ltd&gt;" in html


def test_record_renders_without_a_mockup():
    assert render_approval_record(RECORD).startswith(b"%PDF")


def test_missing_fields_are_an_error():
    with pytest.raises(ValueError, match="reference"):
        render_approval_record({k: v for k, v in RECORD.items() if k != "reference"})
