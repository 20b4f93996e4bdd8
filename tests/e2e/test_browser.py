"""Chromium (Debian's package, driven by Playwright) walks the buyer's journeys."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page(chromium, running_app):
    yield from _logged_in(chromium, running_app, allowed=())


def _logged_in(chromium, running_app, allowed: tuple[str, ...]):
    """A buyer's page; console errors other than ``allowed`` fail the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{running_app}/login")
    page.get_by_label("Email").fill("buyer@acme.test")
    page.get_by_label("Password").fill("demo-buyer")
    page.get_by_role("button", name="Log in").click()
    yield page
    context.close()
    assert [e for e in errors if not any(a in e for a in allowed)] == []  # no CSP violations or script errors


def wait_for_proof(page) -> None:
    # The page polls the status endpoint and shows the proof without a manual reload.
    mockup = page.locator("img.mockup")
    mockup.wait_for(state="visible", timeout=60_000)
    assert page.evaluate("img => img.naturalWidth", mockup.element_handle()) == 1600
    assert page.get_by_role("link", name="Open the PDF proof").is_visible()


def test_buyer_submits_a_classic_box_and_sees_the_proof(page, running_app):
    page.get_by_role("link", name="New gift box").click()
    page.get_by_role("button", name="Start with Little Thanks").click()
    page.get_by_role("link", name="4 Message card").click()
    page.get_by_label("Message on the card").fill("Thank you for a wonderful year — merci, ευχαριστώ!")
    page.get_by_role("button", name="Next: Quantity & delivery").click()
    page.get_by_label("Number of boxes").fill("40")
    page.get_by_role("button", name="Next: Review & submit").click()
    page.get_by_role("button", name="Submit for proof").click()
    wait_for_proof(page)
    pdf = page.request.get(
        running_app + page.get_by_role("link", name="Open the PDF proof").get_attribute("href")
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert f"{running_app}/designs/" in text  # the review link points at this server, on its own port


def test_buyer_builds_a_custom_box_through_every_step(page, running_app, tmp_path):
    page.get_by_role("link", name="New gift box").click()
    page.get_by_role("button", name="Build your own box").click()

    # Box & contents
    page.get_by_label("Large box").check()
    page.get_by_label("Infinity scarf").fill("1")
    page.get_by_label("Stitched journal").fill("1")
    page.get_by_label("Leather key fob").fill("1")
    page.get_by_text("5 of 9 slots used").first.wait_for()
    page.get_by_role("button", name="Next: Colours").click()

    # Colours: the preview changes when a colour changes, before anything is saved.
    preview = page.locator("#live-preview")
    before = preview.get_attribute("src")
    page.locator("label.swatch-option", has_text="Black").first.click()
    page.wait_for_function(
        "src => document.querySelector('#live-preview').getAttribute('src') !== src", arg=before
    )
    page.wait_for_function("() => document.querySelector('#live-preview').complete")
    page.get_by_role("button", name="Next: Branding").click()

    # Branding: a logo and a monogram
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (1200, 600), "#9E2B33").save(logo)
    page.get_by_label("Logo file").set_input_files(str(logo))
    page.get_by_role("button", name="Upload logo").click()
    page.get_by_text("Remove logo").wait_for()
    page.get_by_label("Initials or monogram").fill("GH")
    page.get_by_role("button", name="Next: Message card").click()

    # Message card with a live fit check
    page.get_by_label("Message on the card").fill("Welcome to the team! 欢迎 · أهلا · שלום")
    page.get_by_text("Fits the card").wait_for()
    page.get_by_label("Sign-off").fill("The Acme team")
    page.get_by_role("button", name="Next: Quantity & delivery").click()

    # Quantity & delivery
    page.get_by_label("Number of boxes").fill("75")
    later = (datetime.now(UTC).date() + timedelta(days=90)).isoformat()
    page.get_by_label("Needed by").fill(later)
    page.get_by_role("button", name="Next: Review & submit").click()

    # Review
    assert page.get_by_text("Logo setup (once per design)").is_visible()
    assert page.get_by_text("5% volume discount").first.is_visible()
    page.get_by_role("button", name="Submit for proof").click()
    wait_for_proof(page)
    image = page.request.get(running_app + page.locator("img.mockup").get_attribute("src"))
    assert Image.open(io.BytesIO(image.body())).size == (1600, 1200)


@pytest.fixture
def refusing_page(chromium, running_app):
    """A page that will be refused a form once: Chromium logs the 422 of the refusal as an error."""
    yield from _logged_in(chromium, running_app, allowed=("status of 422",))


def test_the_delivery_step_shows_the_address_only_where_it_is_needed_and_prices_it(refusing_page):
    page = refusing_page
    page.get_by_role("link", name="New gift box").click()
    page.get_by_role("button", name="Start with Little Thanks").click()
    page.get_by_role("link", name="5 Quantity & delivery").click()
    address = page.get_by_role("group", name="Delivery address")
    page.get_by_label("Each box to its recipient").check()
    assert address.is_hidden()
    page.get_by_label("Some boxes to one address").check()
    assert address.is_visible() and page.get_by_label("Boxes to this address").is_visible()
    page.get_by_label("All boxes to one address").check()
    assert page.get_by_label("Boxes to this address").is_hidden()
    page.get_by_label("Country").select_option("GB")  # the form reshapes before anything is saved
    page.locator("label[for=postal_code]", has_text="Postal code").wait_for()
    assert page.get_by_label("Town").is_visible() and page.locator("[data-address-field=region]").is_hidden()
    page.get_by_label("Country").select_option("US")
    page.locator("label[for=postal_code]", has_text="ZIP code").wait_for()

    page.get_by_label("Number of boxes").fill("40")
    page.get_by_label("Contact name").fill("Sam Rivera")
    page.get_by_label("Street address").fill("350 Fifth Avenue")
    page.get_by_label("City").fill("New York")
    page.get_by_label("State").fill("NY")
    page.get_by_label("ZIP code").fill("1O118")
    page.get_by_label("Phone").fill("212 736 3100")
    page.get_by_role("button", name="Save draft").click()
    assert (
        page.locator(".field.has-error").get_by_text("This is not a ZIP code of United States").is_visible()
    )
    assert page.get_by_label("Contact name").input_value() == "Sam Rivera"  # nothing typed is lost
    page.get_by_label("ZIP code").fill("10118")
    page.get_by_role("button", name="Next: Review & submit").click()
    assert page.get_by_text("Shipping to one address (domestic)").is_visible()
    assert page.get_by_text("NEW YORK, NY 10118").is_visible()
