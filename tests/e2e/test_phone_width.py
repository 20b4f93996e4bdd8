"""On a 390 px phone no main page scrolls sideways, for any role (Chromium through Playwright).

The data is made the way people make it, through the running app (`flask serve`, its worker
and demo logins): a buyer's design with two proof versions that became an order, a second
design that staff sent back with a long reason, and a maker holding a job on the board.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
LOGINS = {
    "buyer": ("buyer@acme.test", "demo-buyer"),
    "admin": ("admin@acme.test", "demo-admin"),
    "staff": ("staff@giftsofhope.test", "demo-staff"),
    "workshop": ("workshop@giftsofhope.test", "demo-workshop"),
}
# Long words and addresses are what people paste; they must wrap, not widen the page.
MESSAGE = "Welcome aboard! Our onboarding handbook lives at https://intranet.acme.example/people/onboarding-handbook-2027"
REASON = (
    "Please check the logo placement against our brand sheet: "
    "https://brand.giftsofhope.example/guidelines/corporate-boxes/logo-clear-space-and-minimum-size.pdf"
)
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/\\s+/).join('.') : '');
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit + 0.5 && !clipped(e))
    .slice(0, 3).map(e => `${name(e)} (right ${Math.round(e.getBoundingClientRect().right)})`);
}"""


@dataclass(frozen=True)
class Seeded:
    ordered: int
    """A design with proofs v1 and v2; v2 approved by buyer and staff."""
    sent_back: int
    """A design staff sent back with a reason: a draft again."""
    order: int


class Session:
    """One person logged in, in their own browser context."""

    def __init__(self, chromium, base: str, role: str, viewport: dict[str, int]) -> None:
        self.base = base
        self.context = chromium.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        email, password = LOGINS[role]
        self.page.goto(f"{base}/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(re.compile(r"^(?!.*/login)"))

    def go(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)

    def close(self) -> None:
        self.context.close()
        assert self.errors == []


def _wait_for_proof(page) -> None:
    page.locator("img.mockup").wait_for(state="visible", timeout=120_000)


def _new_submitted_design(buyer: Session, message: str) -> int:
    page = buyer.page
    buyer.go("/designs/new")
    page.get_by_role("button", name="Start with Little Thanks").click()
    design_id = int(re.search(r"/designs/(\d+)/", page.url)[1])
    page.get_by_role("link", name="4 Message card").click()
    page.get_by_label("Message on the card").fill(message)
    page.get_by_role("button", name="Next: Quantity & delivery").click()
    page.get_by_label("Number of boxes").fill("40")
    page.get_by_role("button", name="Next: Review & submit").click()
    page.get_by_role("button", name="Submit for proof").click()
    _wait_for_proof(page)
    return design_id


@pytest.fixture(scope="module")
def seeded(chromium, running_app) -> Iterator[Seeded]:
    wide = {"width": 1280, "height": 900}
    buyer = Session(chromium, running_app, "buyer", wide)
    staff = Session(chromium, running_app, "staff", wide)
    try:
        # Design 1: v1 comes back at the buyer's own request, v2 is approved by both sides.
        ordered = _new_submitted_design(buyer, MESSAGE)
        buyer.page.get_by_role("link", name="Review and approve proof v1").click()
        buyer.page.get_by_label("What should change?").fill("A warmer message, please: " + MESSAGE)
        buyer.page.get_by_role("button", name="Request changes").click()
        buyer.page.get_by_text("Why this design came back").first.wait_for()
        buyer.go(f"/designs/{ordered}/edit/review")
        buyer.page.get_by_role("button", name="Submit for proof").click()
        _wait_for_proof(buyer.page)
        buyer.page.get_by_role("link", name="Review and approve proof v2").click()
        buyer.page.get_by_role("button", name="Approve proof v2").click()
        staff.go(f"/designs/{ordered}/review")
        staff.page.get_by_role("button", name="Approve v2 for print").click()
        staff.page.get_by_text("is confirmed").first.wait_for()
        buyer.go("/orders")
        order = _order_id(buyer)

        # Design 2: staff send it back with a long reason.
        sent_back = _new_submitted_design(buyer, "Thank you for a wonderful year!")
        staff.go(f"/designs/{sent_back}/review")
        staff.page.get_by_label("Send back to the buyer: the reason they will read").fill(REASON)
        staff.page.get_by_role("button", name="Send back to the buyer").click()
        staff.page.get_by_text("Why this design came back").first.wait_for()
    finally:
        buyer.close()
        staff.close()

    # A maker takes a job, so the board shows a job card in hand.
    workshop = Session(chromium, running_app, "workshop", wide)
    try:
        workshop.page.locator("button.pick-name").first.click()
        workshop.page.get_by_role("button", name="Take the next job").click()
        workshop.page.get_by_role("button", name=re.compile("Start|Continue")).first.wait_for()
    finally:
        workshop.close()
    yield Seeded(ordered=ordered, sent_back=sent_back, order=order)


def _order_id(buyer: Session) -> int:
    href = buyer.page.locator("main a[href*='/orders/']").first.get_attribute("href")
    return int(re.search(r"/orders/(\d+)", href or "")[1])


def _pages(seeded: Seeded) -> dict[str, list[str]]:
    a, b = seeded.ordered, seeded.sent_back
    steps = ("contents", "colours", "branding", "message", "delivery", "review")
    return {
        "buyer": [
            "/designs",
            "/designs/new",
            *(f"/designs/{b}/edit/{step}" for step in steps),
            f"/designs/{b}",
            f"/designs/{b}/review",
            f"/designs/{a}",
            f"/designs/{a}/review",
            f"/designs/{a}/compare?a=1&b=2",
            "/orders",
            f"/orders/{seeded.order}",
            "/designs?show=archived",
            "/account/password",
        ],
        "admin": ["/organisation/settings", "/designs"],
        "staff": [
            "/staff/",
            "/staff/review-queue",
            "/staff/orders",
            f"/staff/orders/{seeded.order}",
            "/staff/queue",
            "/staff/makers",
            "/staff/capacity",
            "/staff/impact",
            f"/designs/{a}/review",
            f"/designs/{b}/review",
        ],
        "workshop": ["/board"],
    }


@pytest.mark.parametrize("role", ["buyer", "admin", "staff", "workshop"])
def test_no_main_page_scrolls_sideways_on_a_390px_phone(chromium, running_app, seeded, role):
    person = Session(chromium, running_app, role, PHONE)
    too_wide = []
    try:
        for path in _pages(seeded)[role]:
            person.go(path)
            width = person.page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append(f"{path}: {width} px, widest {person.page.evaluate(WIDEST)}")
    finally:
        person.close()
    assert too_wide == []
