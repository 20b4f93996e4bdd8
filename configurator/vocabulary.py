"""The domain's words, each defined once with the label people read.

Every placement, style, size, paper, job kind, review side and decision a spec, a job or a
review may hold is a member here. Members are ``StrEnum``s: they equal, hash and serialise as
the plain strings already stored in specs, JSON and the database, so nothing stored changes.
Forms, change lists, the job expansion, templates and the renderers read them from here; the
rules (:mod:`configurator.rules`) reject a spec value that is not a member, and a renderer
looks a value up with ``Kind(value)``, which raises instead of drawing a default.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self, TypeVar


class Term(StrEnum):
    """A word of the vocabulary and its label, written ``MEMBER = "stored value", "Label"``."""

    label: str

    # The default only lets ``Kind("value")`` (a lookup) type-check; tests require every label.
    def __new__(cls, value: str, label: str = "") -> Self:
        return _member(cls, value, label)

    @classmethod
    def has(cls, value: object) -> bool:
        """Whether ``value`` is one of these terms (``in`` on the class only takes members on 3.11)."""
        return isinstance(value, str) and value in cls._value2member_map_


T = TypeVar("T", bound=Term)


def _member(cls: type[T], value: str, label: str) -> T:
    """Make one member (Enum replaces a class's ``__new__`` by the lookup once it is built)."""
    member = str.__new__(cls, value)
    member._value_ = value
    member.label = label
    return member


class LogoPlacement(Term):
    """Where the logo is printed.

    ``printed`` is the proof's description; ``transferred_onto`` names what a maker puts the
    logo on in a job of its own, or is None when the logo is printed with the message card.
    """

    printed: str
    transferred_onto: str | None

    LID = "lid", "On the lid", "Printed on the lid of every box", "box lids"
    CARD = "card", "On the message card", "Printed at the top of the message card", None
    TAG = "tag", "On a gift tag", "Printed on the gift tag tied to the ribbon", "gift tags"

    def __new__(
        cls, value: str, label: str = "", printed: str = "", transferred_onto: str | None = None
    ) -> Self:
        member = _member(cls, value, label)
        member.printed = printed
        member.transferred_onto = transferred_onto
        return member


class MonogramStyle(Term):
    SERIF = "serif", "Classic serif"
    SCRIPT = "script", "Flowing script"
    BLOCK = "block", "Bold block"


class ProblemReason(Term):
    """Why a maker stopped a job: a picture and a few plain words they tap (the board translates
    the words); staff read the reason and anything the maker adds."""

    glyph: str

    MATERIAL = "material", "Material is missing", "🧶"
    TOOL = "tool", "A tool or machine is broken", "🔧"
    DAMAGED = "damaged", "Items are damaged", "💔"
    UNCLEAR = "unclear", "I do not know how to do it", "❓"
    OTHER = "other", "Something else", "💬"

    def __new__(cls, value: str, label: str = "", glyph: str = "") -> Self:
        member = _member(cls, value, label)
        member.glyph = glyph
        return member


class QualityMark(Term):
    """How staff settled a line of an order's quality checklist."""

    TICKED = "ticked", "Checked"
    EXCEPTION = "exception", "Exception recorded"


class CardStyle(Term):
    CLASSIC = "classic", "Classic"
    MODERN = "modern", "Modern"
    BOTANICAL = "botanical", "Botanical"


class CardSize(Term):
    """Message card sizes in inches, the larger first (its layout is in ``proofs.card_fit``)."""

    FIVE_BY_SEVEN = "5x7", "5 × 7 in"
    FOUR_BY_SIX = "4x6", "4 × 6 in"


class PageSize(Term):
    """Paper of an organisation's PDF proofs (``Organisation.page_size``)."""

    LETTER = "Letter", "US Letter (8.5 × 11 in)"
    A4 = "A4", "A4 (210 × 297 mm)"


class Delivery(Term):
    """Where a design's boxes go: ``to_address`` boxes go to one delivery address (all of them
    for bulk, the number the buyer chose for a split), ``to_recipients`` boxes go one by one."""

    to_address: bool
    to_recipients: bool

    BULK = "bulk", "All boxes to one address", True, False
    PER_RECIPIENT = "per_recipient", "Each box to its recipient", False, True
    SPLIT = "split", "Some boxes to one address, the rest to their recipients", True, True

    def __new__(
        cls, value: str, label: str = "", to_address: bool = False, to_recipients: bool = False
    ) -> Self:
        member = _member(cls, value, label)
        member.to_address = to_address
        member.to_recipients = to_recipients
        return member


class ShippingZone(Term):
    """How far a box travels from the workshop; rates and transit days per zone are catalog data."""

    DOMESTIC = "domestic", "Domestic"
    NEIGHBOURING = "neighbouring", "Neighbouring countries"
    INTERNATIONAL = "international", "International"


class Carrier(Term):
    """Carriers whose tracking pages we link to (:mod:`configurator.tracking`).

    The stored value is the name staff type and buyers read; a parcel may also go with a carrier
    not listed here, stored under the name typed, and shown with its number only.
    """

    UPS = "UPS", "UPS"
    FEDEX = "FedEx", "FedEx"
    USPS = "USPS", "USPS"
    DHL = "DHL", "DHL"
    CANADA_POST = "Canada Post", "Canada Post"
    ROYAL_MAIL = "Royal Mail", "Royal Mail"


class Skill(Term):
    """A kind of work a maker does. Each product names the skill that makes it
    (``skill`` in ``configurator/data/catalog.yaml``); the other job kinds name theirs below."""

    KNITTING = "knitting", "Knitting and crochet"
    SEWING = "sewing", "Sewing and embroidery"
    LEATHER = "leather", "Leather"
    CANDLES = "candles", "Candles and soap"
    BEADING = "beading", "Beading"
    WEAVING = "weaving", "Weaving"
    BOOKBINDING = "bookbinding", "Bookbinding"
    PACKING = "packing", "Cards, logos and packing"


class JobKind(Term):
    """A kind of maker work: its stage (a job waits for its order's earlier stages), the unit
    its quantity counts, the glyph the board shows when there is no product picture, and the
    skill it needs (None for making items: the product's own skill)."""

    stage: int
    unit: str
    glyph: str
    skill: Skill | None

    MAKE = "make", "Make items", 1, "pieces", "▣", None
    CARDS = "cards", "Print message cards", 1, "cards", "✉", Skill.PACKING
    MONOGRAM = "monogram", "Add monograms", 2, "items", "Aa", Skill.SEWING
    LOGO = "logo", "Put the logo on", 2, "boxes", "★", Skill.PACKING
    ASSEMBLE = "assemble", "Assemble and pack", 3, "boxes", "▣", Skill.PACKING

    def __new__(
        cls,
        value: str,
        label: str = "",
        stage: int = 0,
        unit: str = "",
        glyph: str = "",
        skill: Skill | None = None,
    ) -> Self:
        member = _member(cls, value, label)
        member.stage = stage
        member.unit = unit
        member.glyph = glyph
        member.skill = skill
        return member


class ReviewSide(Term):
    """Who a proof review decision speaks for."""

    BUYER = "buyer", "The buyer's organisation"
    STAFF = "staff", "Gifts of Hope"
    COLLEAGUE = "colleague", "A colleague, for the approver to confirm"
    """A buyer-side approval that does not count on its own (above the approval threshold)."""


COUNTED_SIDES = frozenset({ReviewSide.BUYER, ReviewSide.STAFF})
"""The sides whose approvals together approve a proof."""


class Decision(Term):
    APPROVE = "approve", "Approved"
    REQUEST_CHANGES = "request_changes", "Asked for changes"


class Role(Term):
    """What a person may do. Stored by member name (``BUYER``) in ``user.role``.

    An organisation's members hold one of :data:`MEMBER_ROLES`; the others belong to Gifts of
    Hope. A role may hold others' rights (:meth:`holds`): an organisation admin is also an
    approver and a buyer, and our own admin holds every role.
    """

    BUYER = "buyer", "Buyer"
    APPROVER = "approver", "Approver"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"
    STAFF = "staff", "Gifts of Hope staff"
    MAKER = "maker", "Maker"
    ADMIN = "admin", "Gifts of Hope admin"
    WORKSHOP = "workshop", "Workshop tablet"
    """The shared workshop tablet: makers pick their pseudonym on it and act as themselves."""

    def holds(self, other: Role) -> bool:
        """Whether this role has ``other``'s rights (every role has its own)."""
        return self is other or self is Role.ADMIN or other in _ALSO_HOLDS.get(self, ())


_ALSO_HOLDS: dict[Role, frozenset[Role]] = {
    Role.ORGANISATION_ADMIN: frozenset({Role.BUYER, Role.APPROVER}),
}

MEMBER_ROLES: tuple[Role, ...] = (Role.BUYER, Role.APPROVER, Role.ORGANISATION_ADMIN)
"""The roles an organisation's admin gives its members, least rights first."""

APPROVING_ROLES: tuple[Role, ...] = (Role.APPROVER, Role.ORGANISATION_ADMIN)
"""The member roles whose approval counts above an organisation's approval limit."""

_STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})
_MEMBERS = frozenset(MEMBER_ROLES)
_NOBODY: frozenset[Role] = frozenset()


class NotificationKind(Term):
    """An e-mail a person may receive, who may receive it, and for whom it cannot be turned off.

    ``audience`` are the roles it is ever sent to (the settings page offers only those);
    ``required_for`` the roles that must get it: an approver cannot miss an approval only they
    can give, a buyer the confirmation of an order, staff a proof only they can check.
    """

    audience: frozenset[Role]
    required_for: frozenset[Role]

    PROOF_READY = "proof_ready", "A proof of your design is ready", _MEMBERS, _NOBODY
    CHANGES_REQUESTED = "changes_requested", "Changes were asked for on your design", _MEMBERS, _NOBODY
    APPROVED = "approved", "Your design was approved", _MEMBERS, _NOBODY
    APPROVAL_NEEDED = (
        "approval_needed",
        "A design above your organisation's limit waits for your approval",
        frozenset(APPROVING_ROLES),
        frozenset(APPROVING_ROLES),
    )
    ORDER_CONFIRMED = "order_confirmed", "Your order is confirmed", _MEMBERS, _MEMBERS
    SHIPPED = "shipped", "Your order has shipped", _MEMBERS, _NOBODY
    ORDER_CANCELLED = (
        "order_cancelled",
        "An order was cancelled (with its credit note)",
        _MEMBERS | _STAFF_ROLES,
        _MEMBERS | _STAFF_ROLES,
    )
    PROOF_WAITING = (
        "proof_waiting",
        "Proofs wait for Gifts of Hope's check (one digest every few minutes)",
        _STAFF_ROLES,
        frozenset({Role.STAFF}),
    )

    def __new__(
        cls,
        value: str,
        label: str = "",
        audience: frozenset[Role] = frozenset(),
        required_for: frozenset[Role] = frozenset(),
    ) -> Self:
        member = _member(cls, value, label)
        member.audience = audience
        member.required_for = required_for
        return member

    def offered_to(self, role: Role) -> bool:
        return role in self.audience

    def required(self, role: Role) -> bool:
        """Whether ``role`` must receive it (the settings page shows it checked and fixed)."""
        return role in self.required_for


MEMBER_ROLE_RIGHTS: dict[Role, str] = {
    Role.BUYER: "Designs gift boxes, asks for proofs and approves orders up to the approval limit.",
    Role.APPROVER: "Everything a buyer does, and approves orders above the approval limit.",
    Role.ORGANISATION_ADMIN: "Everything an approver does, and manages members, invitations and settings.",
}
"""What each member role may do, in the words the settings page shows."""


class DesignFilter(Term):
    """The design list's filters: a design status, every current design, or the archived ones."""

    CURRENT = "current", "All current"
    DRAFT = "draft", "Drafts"
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"
    ORDERED = "ordered", "Ordered"
    ARCHIVED = "archived", "Archived"


class TaxStatus(Term):
    """Whether an organisation pays sales tax; an exempt one holds a certificate we keep the number of."""

    TAXABLE = "taxable", "Pays sales tax"
    EXEMPT = "exempt", "Tax exempt (with a certificate)"


class PaymentTerms(Term):
    """When an invoice falls due, counted in days from its issue (``Organisation.payment_terms``)."""

    days: int

    DUE_ON_RECEIPT = "due_on_receipt", "Due on receipt", 0
    NET_15 = "net_15", "Net 15 (due 15 days after the invoice)", 15
    NET_30 = "net_30", "Net 30 (due 30 days after the invoice)", 30

    def __new__(cls, value: str, label: str = "", days: int = 0) -> Self:
        member = _member(cls, value, label)
        member.days = days
        return member


class PaymentMethod(Term):
    """How money reached us, as staff record it (``Payment.method``)."""

    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CHEQUE = "cheque", "Cheque"
    CARD = "card", "Card"
    OTHER = "other", "Other"


class PaymentSource(Term):
    """Who vouches for a payment (``Payment.provider``): staff today, a card provider's webhook later."""

    MANUAL = "manual", "Recorded by staff"


class ApiScope(Term):
    """What an organisation API token may do; ``read`` is implied by neither of the others."""

    READ = "read", "Read the catalog, designs and proofs"
    DESIGN = "design", "Create, change and submit designs"
    ORDER = "order", "Follow and act on orders"


class WebhookEvent(Term):
    """What an organisation's webhook endpoint may subscribe to; the value is the payload's ``type``."""

    PROOF_READY = "proof.ready", "A proof is ready to review"
    PROOF_FAILED = "proof.failed", "A proof could not be drawn"
    PROOF_CHANGES_REQUESTED = "proof.changes_requested", "Changes were asked for on a proof"
    ORDER_CREATED = "order.created", "An order was placed"
    ORDER_STATUS_CHANGED = "order.status_changed", "An order moved on (production, packing, shipping …)"
    SHIPMENT_CREATED = "shipment.created", "A parcel was handed to the carrier"
    RECIPIENT_ADDRESS_CONFIRMED = "recipient.address_confirmed", "A recipient confirmed their address"


VOCABULARY: tuple[type[Term], ...] = (
    LogoPlacement,
    MonogramStyle,
    QualityMark,
    ProblemReason,
    CardStyle,
    CardSize,
    PageSize,
    Delivery,
    ShippingZone,
    Carrier,
    JobKind,
    ReviewSide,
    Decision,
    Role,
    DesignFilter,
    TaxStatus,
    PaymentTerms,
    PaymentMethod,
    PaymentSource,
    NotificationKind,
    ApiScope,
    WebhookEvent,
)
"""Every kind of term, for templates and tests."""
