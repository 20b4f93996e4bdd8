"""The quote PDF: requested from the review step and the order page, laid out by the worker."""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.extensions import db
from app.models import Design, DocumentKind
from app.services import documents
from configurator.pricing import Quote
from configurator.states import DocumentStatus
from tests.app.factories import DeliveryAddressFactory, UserFactory
from tests.app.journeys import Browser, set_quantity, start_classic, write_card
from tests.app.test_documents import order, pdf_text, rows, sent, web_process  # noqa: F401 - fixtures
from tests.proofs.conftest import run_tool


def _draft(browser: Browser, boxes: int = 60) -> int:
    design_id = start_classic(browser)
    write_card(browser, design_id, "Welcome to the team!")
    set_quantity(browser, design_id, boxes)
    DeliveryAddressFactory(design=db.session.get(Design, design_id))
    return design_id


def test_the_review_step_offers_a_quote_the_worker_draws_with_every_figure(app, sent):  # noqa: F811
    buyer = UserFactory()
    browser = Browser(app.test_client())
    browser.login(buyer.email)
    design_id = _draft(browser)
    review = browser.get(f"/designs/{design_id}/edit/review").text
    url = f"/designs/{design_id}/quote.pdf"
    assert f'href="{url}"' in review

    with web_process():
        waiting = browser.get(url)
    assert waiting.status_code == 202 and "Quote for" in waiting.text
    (document,) = rows(DocumentKind.QUOTE)
    assert document.status == DocumentStatus.QUEUED and sent == [document.id]
    with web_process():
        assert (
            browser.get(url).status_code == 202 and len(rows(DocumentKind.QUOTE)) == 1
        )  # asked again: same row

    documents.render(document.id)
    with web_process():
        served = browser.get(url)
    assert served.mimetype == "application/pdf"
    data = document.inputs["data"]
    text = pdf_text(served.data)
    for expected in (
        data["reference"],
        "Valid until",
        data["valid_until"],
        "Estimated delivery",
        "Volume discount",
        "Sales tax (US-NY)",
        "Shipping to one address",
        "Payment terms",
        "Due on receipt",
        data["total"],
    ):
        assert expected in text, expected
    for row in data["rows"]:
        assert row["unit_price"] in text and row["amount"] in text
    design = db.session.get(Design, design_id)
    assert data["reference"] == f"Q-{design.id:06d}-r{design.revision}"

    # What poppler reads, and a picture to look at.
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "quote.pdf"
        pdf.write_bytes(served.data)
        words = run_tool("pdftotext", "-layout", str(pdf), "-").stdout
        assert "Quote " + data["reference"] in words and data["tax"] in words
        run_tool("pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(Path(folder) / "page"))
        assert (Path(folder) / "page-1.png").stat().st_size > 0


def test_an_order_quotes_its_frozen_figures_and_po_number(browser, order, sent):  # noqa: F811
    order.po_number, order.cost_centre = "PO-4471", "Events"
    db.session.commit()
    browser.login(order.design.created_by.email)
    url = f"/designs/{order.design_id}/quote.pdf"
    assert f'href="{url}"' in browser.get(f"/orders/{order.id}").text
    with web_process():
        assert browser.get(url).status_code == 202
    (document,) = rows(DocumentKind.QUOTE)
    data = document.inputs["data"]
    frozen = Quote.from_dict(order.quote)
    assert data["total"] == f"${frozen.total:,.2f}" and data["po_number"] == "PO-4471"
    assert data["reference"] == f"Q-{order.design_id:06d}-v{order.proof.version}"
    documents.render(document.id)
    text = pdf_text(browser.get(url).data)
    assert "PO-4471" in text and "Events" in text


def test_another_organisation_gets_404_and_requests_nothing(browser, order, sent):  # noqa: F811
    browser.login(UserFactory().email)
    assert browser.get(f"/designs/{order.design_id}/quote.pdf").status_code == 404
    assert rows(DocumentKind.QUOTE) == []


def test_the_page_pictures_render(tmp_path):
    """Look at it: ``pdftoppm -png`` of a quote laid out from plain data (kept under tmp_path)."""
    from proofs.quote_document import QuoteDocument, QuoteRow, render_quote

    doc = QuoteDocument(
        reference="Q-000001-r3",
        issued="02 December 2026",
        valid_until="01 January 2027",
        organisation="Acme Events",
        design_name="Warm Welcome",
        boxes=60,
        rows=(QuoteRow("Medium box", "60", "$6.00", "$360.00"),),
        subtotal="$360.00",
        total="$391.95",
        per_box="$6.00",
        tax_label="Sales tax (US-NY)",
        tax="$31.95",
    )
    pdf = tmp_path / "quote.pdf"
    pdf.write_bytes(render_quote(doc))
    done = run_tool("pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page"))
    assert done.returncode == 0 and (tmp_path / "page-1.png").exists()
