"""The organisation's rules for proofs: the approval threshold and the paper size."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from app.models import Organisation, Proof, Role, User
from app.services import audit
from app.services.access import require_admin
from app.services.errors import Invalid
from app.services.transaction import commits
from configurator.catalog import load_catalog
from configurator.pricing import quote
from configurator.spec import BoxSpec
from configurator.vocabulary import PageSize


def proof_total(proof: Proof) -> Decimal:
    """The order total this proof would become: the quote frozen at submission when there is one."""
    frozen = getattr(proof, "quote", None)
    if frozen and "total" in frozen:
        return Decimal(str(frozen["total"]))
    return quote(BoxSpec.from_dict(proof.spec), load_catalog()).total


def needs_approver(proof: Proof) -> bool:
    threshold = proof.design.organisation.approval_threshold
    return threshold is not None and proof_total(proof) > threshold


def may_approve_for_buyer(user: User, proof: Proof) -> bool:
    """Whether this user's approval is the buyer side's approval of this proof."""
    if not user.is_buyer_side and user.role != Role.ADMIN:
        return False
    return not needs_approver(proof) or user.holds(Role.APPROVER)


def parse_threshold(raw: str) -> Decimal | None:
    text = raw.strip().replace(",", "").removeprefix("$").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Invalid("Enter an amount in dollars, such as 2500.", {"threshold": "Not an amount."}) from None
    if not value.is_finite() or value < 0 or value >= Decimal("10000000000"):
        raise Invalid("Enter an amount from $0 up.", {"threshold": "Out of range."})
    return value.quantize(Decimal("0.01"))


@commits
def set_threshold(user: User, organisation: Organisation, value: Decimal | None) -> None:
    """The organisation admin sets the amount above which an approver must approve."""
    require_admin(user, organisation)
    before = organisation.approval_threshold
    organisation.approval_threshold = value
    audit.record(
        user,
        "organisation.approval_threshold",
        f"organisation:{organisation.id}",
        organisation.id,
        before=None if before is None else str(before),
        after=None if value is None else str(value),
    )


@commits
def set_page_size(user: User, organisation: Organisation, page_size: str) -> None:
    """The organisation admin chooses the paper of the organisation's proofs; the next proof uses it."""
    require_admin(user, organisation)
    if not PageSize.has(page_size):
        raise Invalid(f"Choose {' or '.join(PageSize)}.")
    audit.record(
        user,
        "organisation.page_size",
        f"organisation:{organisation.id}",
        organisation.id,
        before=organisation.page_size,
        after=page_size,
    )
    organisation.page_size = page_size
