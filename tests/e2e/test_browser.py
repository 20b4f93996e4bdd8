"""Chromium (Debian's package, driven by Playwright) walks the buyer's first journey."""

from __future__ import annotations

import pytest

from tests.services import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page(running_app):
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def test_buyer_submits_a_classic_box_and_sees_the_proof(page, running_app):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{running_app}/login")
    page.get_by_label("Email").fill("buyer@acme.test")
    page.get_by_label("Password").fill("demo-buyer")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Start with Little Thanks").click()
    page.get_by_label("Message on the card").fill("Thank you for a wonderful year — merci, ευχαριστώ!")
    page.get_by_label("Number of boxes").fill("40")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    page.get_by_role("button", name="Submit for proof").click()
    # The page polls the status endpoint and shows the proof without a manual reload.
    mockup = page.locator("img.mockup")
    mockup.wait_for(state="visible", timeout=60_000)
    assert page.evaluate("img => img.naturalWidth", mockup.element_handle()) == 1600
    assert page.get_by_role("link", name="Open the PDF proof").is_visible()
    assert errors == []  # no CSP violations or script errors
