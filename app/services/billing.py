"""An organisation's billing details: where invoices go, who reads them, tax status and terms.

The organisation admin keeps them on the settings page. The audit event names what changed
(tax status, terms, the PO rule) but never the address or the contact: personal data stays out
of audit events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from app.models import Design, Organisation, User
from app.services import audit, delivery
from app.services.access import require_admin
from app.services.email_address import NotAnEmail, clean_email
from app.services.errors import Invalid
from app.services.transaction import commits
from configurator.addresses import Address, check_address
from configurator.billing import check_certificate
from configurator.tax import TaxRate, exempt, load_tax_table
from configurator.vocabulary import PaymentTerms, TaxStatus

CONTACT_NAME_MAX = 100


@dataclass(frozen=True)
class Billing:
    """What the settings page shows and the invoice prints (plain values, no database row)."""

    address: Address
    contact_name: str
    contact_email: str
    tax_status: TaxStatus
    tax_certificate: str
    payment_terms: PaymentTerms
    po_required: bool

    @property
    def complete(self) -> bool:
        """Whether an invoice can be addressed: somebody to send it to, somewhere to send it."""
        return bool(self.contact_email) and not self.address.is_blank()


@dataclass(frozen=True)
class Saved:
    billing: Billing
    warnings: Mapping[str, str] = field(default_factory=dict)
    """Doubts about the address (saved all the same), by field."""


def billing_of(organisation: Organisation) -> Billing:
    return Billing(
        address=Address(**(organisation.billing_address or {})),
        contact_name=organisation.billing_contact_name or "",
        contact_email=organisation.billing_contact_email or "",
        tax_status=organisation.tax_status,
        tax_certificate=organisation.tax_certificate or "",
        payment_terms=organisation.payment_terms,
        po_required=organisation.po_required,
    )


def check(wanted: Billing) -> tuple[Billing, dict[str, str], dict[str, str]]:
    """The details as they would be stored, with errors and warnings by form field."""
    errors: dict[str, str] = {}
    name = " ".join(wanted.contact_name.split())
    # The contact is the addressee: the invoice is addressed to them, at the company.
    checked = check_address(replace(wanted.address, name=name), phone_required=False)
    errors.update({k: v for k, v in checked.errors.items() if k != "name"})
    if not name:
        errors["contact_name"] = "Enter who receives the invoices."
    elif len(name) > CONTACT_NAME_MAX:
        errors["contact_name"] = f"Keep the name to {CONTACT_NAME_MAX} characters."
    email = wanted.contact_email
    try:
        email = clean_email(wanted.contact_email)
    except NotAnEmail as exc:
        errors["contact_email"] = str(exc).replace("your email", "the email")
    exempt = wanted.tax_status is TaxStatus.EXEMPT
    certificate, problem = check_certificate(wanted.tax_certificate, exempt=exempt)
    if problem:
        errors["tax_certificate"] = problem
    cleaned = Billing(
        address=checked.address,
        contact_name=name,
        contact_email=email,
        tax_status=wanted.tax_status,
        tax_certificate=certificate if exempt else "",
        payment_terms=wanted.payment_terms,
        po_required=wanted.po_required,
    )
    return cleaned, errors, dict(checked.warnings)


def parse_choice(tax_status: str, payment_terms: str) -> tuple[TaxStatus, PaymentTerms]:
    """The two choices from the form's values, refused when the form was tampered with."""
    if not TaxStatus.has(tax_status) or not PaymentTerms.has(payment_terms):
        raise Invalid("Choose a tax status and payment terms from the lists.")
    return TaxStatus(tax_status), PaymentTerms(payment_terms)


@commits
def save_billing(user: User, organisation: Organisation, wanted: Billing) -> Saved:
    """Store the billing details when they pass every check; otherwise nothing changes."""
    require_admin(user, organisation)
    cleaned, errors, warnings = check(wanted)
    if errors:
        raise Invalid("Please correct the highlighted billing details.", errors)
    before = billing_of(organisation)
    organisation.billing_address = cleaned.address.as_dict()
    organisation.billing_contact_name = cleaned.contact_name
    organisation.billing_contact_email = cleaned.contact_email
    organisation.tax_status = cleaned.tax_status
    organisation.tax_certificate = cleaned.tax_certificate or None
    organisation.payment_terms = cleaned.payment_terms
    organisation.po_required = cleaned.po_required
    audit.record(
        user,
        "organisation.billing",
        f"organisation:{organisation.id}",
        organisation.id,
        tax_status=[before.tax_status.value, cleaned.tax_status.value],
        payment_terms=[before.payment_terms.value, cleaned.payment_terms.value],
        po_required=[before.po_required, cleaned.po_required],
    )
    return Saved(cleaned, warnings)


def tax_rate_of(design: Design) -> TaxRate:
    """The tax a design's quote carries: none for an exempt organisation, else the rate where the
    boxes go (the delivery address), or where invoices go while boxes go to recipients one by one
    or the address is not entered yet."""
    organisation = design.organisation
    if organisation.tax_status is TaxStatus.EXEMPT:
        return exempt(organisation.tax_certificate or "")
    row = delivery.address_of(design)
    place = row.address() if row is not None else Address(**(organisation.billing_address or {}))
    return load_tax_table().rate_for(place.country, place.region)
