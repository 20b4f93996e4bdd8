"""Billing details on the organisation settings page, and the PO number an order carries."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Design, Order, Organisation
from app.services import billing, orders
from configurator.pricing import Quote
from configurator.states import DesignStatus
from configurator.vocabulary import PaymentTerms, TaxStatus
from tests.app.factories import DeliveryAddressFactory, DesignFactory, OrganisationAdminFactory, UserFactory
from tests.app.journeys import Browser, save_step, set_quantity, start_classic, submit, write_card

BILLING = {
    "contact_name": "Robin Park",
    "contact_email": "Accounts@Acme.test",
    "country": "US",
    "company": "Acme Events",
    "street": "350 Fifth Avenue",
    "city": "New York",
    "region": "NY",
    "postal_code": "10118",
    "tax_status": "taxable",
    "tax_certificate": "",
    "payment_terms": "net_30",
}


def _organisation(organisation_id: int) -> Organisation:
    db.session.expire_all()
    return db.session.get(Organisation, organisation_id)


def test_an_admin_saves_billing_details_and_the_audit_keeps_no_personal_data(app):
    admin = OrganisationAdminFactory()
    browser = Browser(app.test_client())
    browser.login(admin.email)
    assert "Add where invoices go" in browser.get("/organisation/settings").text

    saved = browser.post("/organisation/settings/billing", {**BILLING, "po_required": "y"})
    assert saved.status_code == 302 and saved.location.endswith("#billing")
    organisation = _organisation(admin.organisation_id)
    assert organisation.billing_contact_email == "accounts@acme.test"
    assert organisation.billing_address["postal_code"] == "10118"
    assert (organisation.payment_terms, organisation.tax_status, organisation.po_required) == (
        PaymentTerms.NET_30,
        TaxStatus.TAXABLE,
        True,
    )
    page = browser.get("/organisation/settings").text
    assert "Invoices go to Robin Park" in page and "every order needs a PO number" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.billing"))
    assert event is not None
    assert (
        "Robin" not in str(event.detail)
        and "Fifth" not in str(event.detail)
        and "acme" not in str(event.detail)
    )


def test_bad_billing_details_are_named_at_their_fields_and_nothing_is_saved(app):
    admin = OrganisationAdminFactory()
    browser = Browser(app.test_client())
    browser.login(admin.email)
    refused = browser.post(
        "/organisation/settings/billing",
        {**BILLING, "postal_code": "ABC", "contact_email": "nope", "tax_status": "exempt"},
    )
    assert refused.status_code == 422
    assert "This is not a ZIP code of United States" in refused.text
    assert "Enter the email address" in refused.text
    assert "Enter the number of your tax-exemption certificate" in refused.text
    assert 'value="Robin Park"' in refused.text  # what was typed stays on the page
    assert _organisation(admin.organisation_id).billing_contact_email is None

    exempt = browser.post(
        "/organisation/settings/billing", {**BILLING, "tax_status": "exempt", "tax_certificate": " EX-9 "}
    )
    assert exempt.status_code == 302
    organisation = _organisation(admin.organisation_id)
    assert (organisation.tax_status, organisation.tax_certificate) == (TaxStatus.EXEMPT, "EX-9")


def test_only_the_organisation_admin_may_change_billing(app):
    buyer = UserFactory()
    browser = Browser(app.test_client())
    browser.login(buyer.email)
    assert browser.post("/organisation/settings/billing", BILLING).status_code == 403
    assert _organisation(buyer.organisation_id).billing_contact_email is None


def _ready_to_submit(browser: Browser) -> int:
    design_id = start_classic(browser)
    write_card(browser, design_id, "Welcome to the team!")
    set_quantity(browser, design_id, 25)
    return design_id


def test_a_po_number_is_required_when_the_organisation_says_so_and_the_order_carries_it(app):
    buyer = UserFactory()
    buyer.organisation.po_required = True
    db.session.commit()
    browser = Browser(app.test_client())
    browser.login(buyer.email)
    design_id = _ready_to_submit(browser)
    review = browser.get(f"/designs/{design_id}/edit/review").text
    assert "Your organisation needs a PO number on every order" in review

    refused = browser.post(
        f"/designs/{design_id}/edit/review",
        {"revision": db.session.get(Design, design_id).revision, "nav": "submit", "cost_centre": "Events"},
    )
    assert refused.status_code == 422 and "Enter your purchase order (PO) number" in refused.text
    assert 'value="Events"' in refused.text

    done = save_step(
        browser, design_id, "review", {"po_number": " PO-4471 ", "cost_centre": "Events"}, nav="submit"
    )
    assert done.status_code == 302
    db.session.expire_all()
    design = db.session.get(Design, design_id)
    assert (design.po_number, design.cost_centre) == ("PO-4471", "Events")
    design.status = DesignStatus.APPROVED  # both sides approved the proof (see test_review)
    order = orders.create_from(buyer, design.latest_proof)
    db.session.commit()
    assert (order.po_number, order.cost_centre) == ("PO-4471", "Events")
    page = browser.get(f"/orders/{order.id}").text
    assert "PO-4471" in page and "Events" in page


def test_without_the_rule_a_design_is_submitted_with_no_po_number(app):
    buyer = UserFactory()
    browser = Browser(app.test_client())
    browser.login(buyer.email)
    design_id = _ready_to_submit(browser)
    assert submit(browser, design_id).status_code == 302
    assert db.session.scalar(select(Order)) is None
    db.session.expire_all()
    assert db.session.get(Design, design_id).po_number is None


# --- Tax -------------------------------------------------------------------------------------------


def test_tax_follows_the_delivery_address_then_the_billing_address_and_an_exempt_organisation_pays_none(app):
    design = DesignFactory()
    organisation = design.organisation
    assert "delivery address is known" in billing.tax_rate_of(design).label
    organisation.billing_address = {"country": "CA", "region": "ON"}
    db.session.commit()
    assert billing.tax_rate_of(design).percent == 13  # no delivery address yet: where invoices go
    DeliveryAddressFactory(design=design)
    assert billing.tax_rate_of(design).label == "Sales tax (US-NY)"
    organisation.tax_status, organisation.tax_certificate = TaxStatus.EXEMPT, "EX-9"
    db.session.commit()
    rate = billing.tax_rate_of(design)
    assert rate.percent == 0 and rate.label == "Tax exempt (certificate EX-9)"


def test_the_review_step_and_the_submitted_quote_carry_the_tax(app):
    buyer = UserFactory()
    browser = Browser(app.test_client())
    browser.login(buyer.email)
    design_id = _ready_to_submit(browser)
    DeliveryAddressFactory(design=db.session.get(Design, design_id))
    review = browser.get(f"/designs/{design_id}/edit/review").text
    assert "Sales tax (US-NY) at 8.875%" in review and "per box before tax" in review
    assert submit(browser, design_id).status_code == 302
    db.session.expire_all()
    frozen = Quote.from_dict(db.session.get(Design, design_id).latest_proof.quote)
    assert frozen.tax > 0 and frozen.total == frozen.before_tax + frozen.tax
