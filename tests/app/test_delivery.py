"""Where the boxes go, through the wizard and the services: the address, shipping, slips, tracking, privacy."""

from __future__ import annotations

import csv
import html
import io
import logging
import re

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DeliveryAddress, Design, Order
from app.models.outbox import OutboxMessage
from app.services import delivery, designs, orders, production
from app.services.production.shipping import packing_slip
from configurator.catalog import load_catalog
from configurator.vocabulary import ShippingZone
from proofs.packing_slip import render_packing_slip
from tests.app.factories import (
    DeliveryAddressFactory,
    ProofFactory,
    ShipmentFactory,
    StaffFactory,
    UserFactory,
    WorkshopFactory,
    make_order,
    pseudonym,
    valid_address,
)
from tests.app.journeys import revision, save_step, start_classic, write_card

RATES = load_catalog().shipping.rates


def field_block(page: str, name: str) -> str:
    """The ``<div class="field">`` holding the input named ``name``: where its messages must be."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', page, flags=re.S):
        if f'name="{name}"' in block:
            return html.unescape(block)
    raise AssertionError(f"no field {name} on the page")


def deliver(
    browser, design_id: int, quantity: int = 20, delivery_kind: str = "bulk", nav: str = "save", **address
):
    data = {"quantity": quantity, "needed_by": "", "delivery": delivery_kind, **address}
    return save_step(browser, design_id, "delivery", data, nav=nav)


def address_row(design_id: int) -> DeliveryAddress | None:
    db.session.expire_all()
    return db.session.scalar(select(DeliveryAddress).where(DeliveryAddress.design_id == design_id))


def test_the_journey_a_bad_postal_code_is_told_at_its_field_then_fixed_and_shipping_is_in_the_total(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    step = browser.get(f"/designs/{design_id}/edit/delivery").text
    assert "list comes later" not in step and "not ready yet" not in step
    assert f'href="/designs/{design_id}/recipients"' in step

    refused = deliver(browser, design_id, **valid_address(postal_code="1O118"))
    assert refused.status_code == 422
    postal = field_block(refused.text, "postal_code")
    assert "This is not a ZIP code of United States. For example: 95014." in postal
    assert 'aria-invalid="true"' in postal and 'value="1O118"' in postal  # what was typed stays
    assert 'value="Sam Rivera"' in refused.text and "Loading dock on 33rd Street" in refused.text
    assert address_row(design_id) is None and db.session.get(Design, design_id).spec["quantity"] != 20

    assert deliver(browser, design_id, nav="next", **valid_address()).status_code == 302
    row = address_row(design_id)
    assert (row.postal_code, row.region, row.phone) == ("10118", "NY", "+1 212-736-3100")

    review = html.unescape(browser.get(f"/designs/{design_id}/edit/review").text)
    shipping = RATES[ShippingZone.DOMESTIC].bulk_per_box * 20
    assert "Shipping to one address (domestic)" in review and f"${shipping:,.2f}" in review
    assert "NEW YORK, NY 10118" in review and "No delivery address yet" not in review
    write_card(browser, design_id, "Welcome aboard!")
    submitted = save_step(browser, design_id, "review", {}, nav="submit")
    assert submitted.status_code == 302, submitted.text
    proof = db.session.get(Design, design_id).latest_proof
    assert proof.quote["shipping"] == str(shipping)
    assert (
        next(line for line in proof.quote["lines"] if line["label"].startswith("Shipping"))["quantity"] == 20
    )


def test_a_doubt_is_a_warning_beside_the_field_and_the_address_is_saved(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    saved = deliver(browser, design_id, **valid_address(postal_code="94043", phone="+44 20 7946 0958"))
    assert saved.status_code == 302 and address_row(design_id).postal_code == "94043"
    page = browser.get(f"/designs/{design_id}/edit/delivery").text
    assert "94043 is not usually a ZIP code of New York: check both." in field_block(page, "postal_code")
    assert "This is a phone number of United Kingdom, not of United States" in field_block(page, "phone")


def test_labels_and_required_fields_follow_the_country(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    refused = deliver(browser, design_id, **valid_address(country="GB", region="", postal_code="", city=""))
    assert refused.status_code == 422
    assert "Enter the postal code." in field_block(refused.text, "postal_code")
    assert "Enter the town." in field_block(refused.text, "city")
    assert ">Town<" in field_block(refused.text, "city")
    good = valid_address(
        country="GB", region="", city="London", postal_code="sw1a 2aa", phone="020 7946 0958"
    )
    assert deliver(browser, design_id, **good).status_code == 302
    assert address_row(design_id).postal_code == "SW1A 2AA"
    review = html.unescape(browser.get(f"/designs/{design_id}/edit/review").text)
    assert "Shipping to one address (international)" in review


def test_a_bulk_delivery_may_wait_for_its_address_and_the_review_says_so(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    blank = {name: "" for name in valid_address()} | {"country": "US"}
    assert deliver(browser, design_id, **blank).status_code == 302
    assert address_row(design_id) is None
    review = html.unescape(browser.get(f"/designs/{design_id}/edit/review").text)
    assert "No delivery address yet" in review
    assert "estimated at the domestic rate until you enter the address" in review


def test_a_split_needs_its_office_share_and_prices_both_ways(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    refused = deliver(browser, design_id, 30, "split", office_boxes="30", **valid_address())
    assert refused.status_code == 422
    assert "Enter how many of the 30 boxes go to this address (1 to 29)" in field_block(
        refused.text, "office_boxes"
    )
    assert deliver(browser, design_id, 30, "split", office_boxes="12", **valid_address()).status_code == 302
    assert address_row(design_id).boxes == 12
    review = html.unescape(browser.get(f"/designs/{design_id}/edit/review").text)
    assert "12 boxes to:" in review
    assert "Shipping to one address (domestic)" in review
    assert "Shipping to each recipient (estimated at the domestic rate until recipients are added)" in review
    assert "The latest a recipient can expect their box" in review


def test_per_recipient_keeps_a_saved_address_and_is_honest_about_the_list(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    deliver(browser, design_id, **valid_address())
    assert (
        deliver(browser, design_id, 20, "per_recipient", **valid_address(postal_code="")).status_code == 302
    )
    assert address_row(design_id).postal_code == "10118"  # not checked, not changed, not lost
    review = html.unescape(browser.get(f"/designs/{design_id}/edit/review").text)
    assert "check the recipient list" in review
    assert "Shipping to each recipient (estimated at the domestic rate until recipients are added)" in review


def test_live_figures_price_the_address_being_typed(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    data = {
        "revision": revision(design_id),
        "quantity": 20,
        "delivery": "bulk",
        **valid_address(country="CA"),
    }
    live = browser.post(f"/designs/{design_id}/live?step=delivery", data).get_json()
    assert live["ok"] and live["shipping"] == f"${RATES[ShippingZone.NEIGHBOURING].bulk_per_box * 20:,.2f}"
    assert address_row(design_id) is None  # the live figures save nothing


def test_a_stale_tab_changes_no_address(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    deliver(browser, design_id, **valid_address())
    stale = revision(design_id) - 1
    data = {"quantity": 20, "delivery": "bulk", **valid_address(name="Someone Else")}
    response = save_step(browser, design_id, "delivery", data, rev=stale)
    assert response.status_code == 302 and address_row(design_id).name == "Sam Rivera"


def test_another_organisation_never_sees_or_changes_the_address(browser):
    row = DeliveryAddressFactory()
    browser.login(UserFactory().email)
    assert browser.get(f"/designs/{row.design_id}/edit/delivery").status_code == 404
    data = {"revision": 1, "nav": "save", "quantity": 20, "delivery": "bulk", **valid_address(name="Mallory")}
    assert browser.post(f"/designs/{row.design_id}/edit/delivery", data).status_code == 404
    assert address_row(row.design_id).name == "Sam Rivera"


def _ordered_with_address(**address: str) -> Order:
    row = DeliveryAddressFactory(**address)
    design = db.session.get(Design, row.design_id)
    design.status = "approved"
    db.session.commit()
    proof = ProofFactory(design=design)
    order = orders.create_from(design.created_by, proof)
    db.session.commit()
    return order


def test_the_order_keeps_its_own_copy_and_the_packing_slip_shows_the_ship_to(app):
    order = _ordered_with_address()
    frozen = delivery.address_of_order(order)
    assert frozen is not None and frozen.id != delivery.address_of(order.design).id
    delivery.address_of(order.design).name = "Changed Later"
    db.session.commit()
    slip = packing_slip(order)
    assert slip.ship_to == (
        "Sam Rivera",
        "Acme Events",
        "350 Fifth Avenue, Suite 2100",
        "NEW YORK, NY 10118",
        "United States",
    )
    assert slip.ship_to_phone == "+1 212-736-3100" and "Loading dock" in slip.instructions
    assert slip.hours == "Mon-Fri 9:00-17:00"
    pdf = PdfReader(io.BytesIO(render_packing_slip(slip)))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert len(pdf.pages) == 1  # the ship-to still leaves the slip on one page
    assert "SHIP TO" in text.upper() and "NEW YORK, NY 10118" in text and "+1 212-736-3100" in text


def test_a_per_recipient_order_prints_no_ship_to(app):
    order = make_order(delivery="per_recipient")
    assert packing_slip(order).ship_to == ()


def test_addresses_and_phones_stay_out_of_audit_events_and_logs(browser, caplog):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    with caplog.at_level(logging.DEBUG):
        deliver(browser, design_id, **valid_address(postal_code="94043"))
        write_card(browser, design_id, "Welcome aboard!")
        assert save_step(browser, design_id, "review", {}, nav="submit").status_code == 302
    # The phone in every form it could be logged in (never a fragment of three digits: task
    # timings such as "succeeded in 0.2736 s" contain those by chance).
    secrets = ("Sam Rivera", "350 Fifth", "212-736", "736-3100", "2127363100", "94043", "Loading dock")
    details = [str(e.detail) for e in db.session.scalars(select(AuditEvent))]
    for secret in secrets:
        assert secret not in caplog.text
        assert all(secret not in detail for detail in details)
    assert "Sam Rivera" not in repr(address_row(design_id))


def test_makers_never_see_the_address(browser):
    order = _ordered_with_address()
    sunflower = pseudonym("Sunflower")
    browser.login(WorkshopFactory().email)
    browser.post("/board/maker", {"maker": sunflower.id})
    browser.post("/board/claim")
    board = browser.get("/board").text
    for secret in ("Sam Rivera", "Fifth Avenue", "10118", "736-3100", "Loading dock"):
        assert secret not in board
    assert browser.get(f"/orders/{order.id}").status_code in (403, 404)
    assert browser.get(f"/staff/orders/{order.id}/packing-slip.pdf").status_code in (403, 404)


def test_shipments_link_to_the_carriers_tracking_page_for_buyer_and_staff(browser):
    order = make_order()
    order.status = "packed"
    db.session.commit()
    shipped = production.ship(StaffFactory(), order, "ups", "1Z 999 AA1 01 2345 6784", 4)
    assert shipped.carrier == "UPS"  # the carrier's own spelling, from the vocabulary
    ShipmentFactory(order=order, carrier="Bob's Couriers", tracking_number="BOB-42", boxes=1)
    link = "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    browser.login(order.design.created_by.email)
    buyer_page = browser.get(f"/orders/{order.id}").text
    assert f'href="{link}"' in buyer_page
    assert "BOB-42" in buyer_page and "BOB-42</a>" not in buyer_page  # no link for an unknown carrier
    browser.post("/logout", data={"csrf_token": browser.token()})
    browser.login(StaffFactory().email)
    staff_page = browser.get(f"/staff/orders/{order.id}").text
    assert f'href="{link}"' in staff_page
    assert '<option value="Royal Mail">' in staff_page  # the carriers staff pick from are the vocabulary's


def test_the_order_pages_show_the_ship_to_to_the_buyer_and_staff(browser):
    order = _ordered_with_address()
    browser.login(order.design.created_by.email)
    page = html.unescape(browser.get(f"/orders/{order.id}").text)
    assert "Ship to" in page and "NEW YORK, NY 10118" in page and "+1 212-736-3100" in page
    browser.post("/logout", data={"csrf_token": browser.token()})
    browser.login(StaffFactory().email)
    page = html.unescape(browser.get(f"/staff/orders/{order.id}").text)
    assert "NEW YORK, NY 10118" in page and "Loading dock on 33rd Street" in page


def test_the_shipped_email_carries_the_tracking_link(app):
    order = make_order()
    order.status = "packed"
    db.session.commit()
    production.ship(StaffFactory(), order, "Royal Mail", "AB 1234 5678 9GB", 10)
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.event == "shipped"))
    assert "10 boxes with Royal Mail, tracking number AB 1234 5678 9GB" in body
    assert "Track it: https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB" in body


def test_same_as_last_time_brings_the_address_along(app):
    row = DeliveryAddressFactory()
    source = db.session.get(Design, row.design_id)
    copy = designs.duplicate(source.created_by, source.id)
    copied = delivery.address_of(copy)
    assert copied.id != row.id and copied.address() == row.address()


def test_the_staff_outlook_counts_the_transit_days_of_the_orders_zone(app):
    home = _ordered_with_address()
    abroad = _ordered_with_address(
        country="DE", region="", city="Berlin", postal_code="10117", phone="+49 30 1234567"
    )
    outlook = production.plan().outlook
    home_transit = (outlook[home.id].delivery - outlook[home.id].ship_by).days
    abroad_transit = (outlook[abroad.id].delivery - outlook[abroad.id].ship_by).days
    assert abroad_transit > home_transit


def test_the_parcels_spreadsheet_neutralises_what_staff_typed(browser):
    order = make_order()
    ShipmentFactory(order=order, carrier="UPS", tracking_number="1Z999AA10123456784", boxes=4)
    ShipmentFactory(
        order=order, carrier='=HYPERLINK("http://evil.example","x")', tracking_number="+1-555", boxes=2
    )
    browser.login(order.design.created_by.email)
    response = browser.get(f"/orders/{order.id}/parcels.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Order", "Parcel", "Carrier", "Tracking number", "Tracking link"]
    assert rows[1][2:6] == [
        "UPS",
        "1Z999AA10123456784",
        "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        "4",
    ]
    assert rows[2][2:5] == ['\'=HYPERLINK("http://evil.example","x")', "'+1-555", ""]
    browser.post("/logout", data={"csrf_token": browser.token()})
    browser.login(UserFactory().email)  # another organisation
    assert browser.get(f"/orders/{order.id}/parcels.csv").status_code == 404


def test_live_figures_reshape_the_address_form_for_the_country_chosen(browser):
    browser.login(UserFactory().email)
    design_id = start_classic(browser)
    data = {"revision": revision(design_id), "quantity": 20, "delivery": "bulk", "country": "IE"}
    live = browser.post(f"/designs/{design_id}/live?step=delivery", data).get_json()
    assert live["address_labels"]["postal_code"] == "Eircode (optional)"
    assert ["Co. Cork", "Co. Cork"] in live["regions"] and "Ireland" in live["address_hint"]
