"""The card's words on a page read as they print: each line in its own direction."""

from __future__ import annotations

from configurator.catalog import load_catalog
from tests.app.factories import DesignFactory

ARABIC = "شكرا لكم على عام رائع."


def test_each_card_line_takes_its_own_direction_on_the_buyers_pages(browser):
    spec = (
        load_catalog()
        .classics["warm-welcome"]
        .spec.replace(message=f"Thank you for a wonderful year.\n{ARABIC}", sign_off="فريق Acme")
    )
    design = DesignFactory(spec=spec.to_dict())
    browser.login(design.created_by.email)
    for url in (f"/designs/{design.id}", f"/designs/{design.id}/edit/review"):
        page = browser.get(url).text
        assert '<p dir="auto">Thank you for a wonderful year.</p>' in page, url
        assert f'<p dir="auto">{ARABIC}</p>' in page, url
        assert '<footer dir="auto">فريق Acme</footer>' in page, url
