"""Chromium on a page whose document is still being made: it waits, then shows (or downloads) it
by itself once the worker is done, under the strict CSP (no inline script)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from werkzeug.serving import make_server

from tests.services import CHROMIUM_ARGS, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def live(tmp_path, broker) -> Iterator[tuple[object, str, list[object]]]:
    """The app on SQLite served from a thread; no worker: the test does the worker's part."""
    from flask_migrate import upgrade

    from app import create_app
    from app.services import documents

    env = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    app = create_app({"STORAGE_DIR": str(tmp_path / "files")}, env=env)
    sent = broker[documents.RENDER_TASK_NAME]
    with app.app_context():
        upgrade()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield app, f"http://127.0.0.1:{server.server_port}", sent
        finally:
            server.shutdown()
            thread.join(timeout=10)


@pytest.fixture
def chromium_page(live):
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS), headless=True)
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(30_000)
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, errors
        context.close()
        browser.close()


def _login(page, base: str, email: str) -> None:
    from tests.app.factories import PASSWORD

    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_the_pages_wait_for_the_worker_and_then_show_the_document(live, chromium_page):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Document, DocumentKind, Order
    from app.services import documents, reviews
    from tests.app.factories import DesignFactory, StaffFactory, ready_proof

    _app, base, sent = live
    page, errors = chromium_page
    design = DesignFactory(name="Welcome box")
    v1 = ready_proof(design, message="Welcome aboard!")
    reviews.decide(design.created_by, v1, 1, "request_changes", "A red ribbon, please")
    v2 = ready_proof(design, message="Welcome to the team", ribbon_colour="red")
    _login(page, base, design.created_by.email)

    # The compare page says the picture is being made, then shows it without a manual reload.
    page.goto(f"{base}/designs/{design.id}/compare?a=1&b=2")
    page.get_by_text("We are marking the changes in the picture").wait_for()
    diff = db.session.scalar(select(Document).where(Document.kind == DocumentKind.VISUAL_DIFF))
    assert sent == [diff.id]
    documents.render(diff.id)  # the worker's part
    page.get_by_text("of the picture changed").wait_for()
    picture = page.locator(f'img[src="/designs/{design.id}/compare/v1-v2.png"]')
    picture.wait_for(state="visible")
    assert page.evaluate("img => img.naturalWidth", picture.element_handle()) == 800

    # The approval record: a page that waits, then the download starts by itself.
    reviews.decide(design.created_by, v2, 2, "approve", "Perfect")
    reviews.decide(StaffFactory(), v2, 2, "approve", "")
    order = db.session.scalar(select(Order))
    record = db.session.scalar(select(Document).where(Document.kind == DocumentKind.APPROVAL_RECORD))
    page.goto(f"{base}/orders/{order.id}/approval-record.pdf")
    page.get_by_text("We are preparing it now").wait_for()
    with page.expect_download() as download:
        documents.render(record.id)
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert order.reference in " ".join(p.extract_text() for p in pdf.pages)
    assert errors == []  # no CSP violation, no script error
