"""factory_boy factories, one for every model, and the builders that go through a service.

The one home for making rows in the app tests: a test module imports from here (or from
``journeys`` for what a person does on the pages, ``racing`` for actors at one instant), never
from another test module. ``tests/app/test_factories.py`` checks that every model has its factory.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import select

from app.extensions import db
from app.models import (
    ApiToken,
    AuditEvent,
    CapacityDay,
    CapacityException,
    Comment,
    CreditNote,
    DeliveryAddress,
    DepositSetting,
    Design,
    DigestMark,
    Document,
    DocumentKind,
    IdempotentRequest,
    Invitation,
    Invoice,
    Logo,
    MakerDayOff,
    MakerSchedule,
    NotificationPreference,
    NumberSequence,
    Order,
    Organisation,
    PasswordReset,
    Payment,
    ProductionJob,
    Proof,
    QualityCheckMark,
    Review,
    Role,
    Shipment,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WorkerHeartbeat,
    utcnow,
)
from app.models.outbox import OutboxMessage
from app.models.recipients import Recipient, RecipientImport, RecipientImportRow
from app.models.review import GuestReview, ShareLink
from app.services import cancellations, orders, production
from app.services import proofs as proof_service
from app.services.accounts import hash_password
from app.services.tokens import hash_token
from app.storage import storage
from configurator.catalog import load_catalog
from configurator.spec import BoxSpec
from configurator.vocabulary import ApiScope, PaymentMethod, PaymentSource, Skill, WebhookEvent
from proofs.mockup import render_mockup

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)  # hashing is slow by design; do it once for all test users


def box_spec(**changes: object) -> dict[str, Any]:
    """The Warm Welcome classic with a message, and ``changes``: the spec a test design starts from."""
    spec = load_catalog().classics["warm-welcome"].spec.replace(message="Welcome aboard!")
    return spec.replace(**changes).to_dict()


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - factory_boy wants a callable
        sqlalchemy_session_persistence = "commit"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password_hash = _HASH
    role = Role.BUYER
    organisation = factory.SubFactory(OrganisationFactory)


class OrganisationAdminFactory(UserFactory):
    """An organisation's admin: invites and manages its members, sets its rules."""

    role = Role.ORGANISATION_ADMIN


class StaffFactory(UserFactory):
    role = Role.STAFF
    organisation = None


class MakerFactory(UserFactory):
    role = Role.MAKER
    organisation = None
    display_name = factory.Sequence(lambda n: f"Maker {n}")


class WorkshopFactory(UserFactory):
    """The shared workshop tablet's login."""

    role = Role.WORKSHOP
    organisation = None
    display_name = "Workshop tablet"


class DesignFactory(Base):
    class Meta:
        model = Design

    created_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("created_by.organisation")
    name = "Warm Welcome"
    spec = factory.LazyFunction(box_spec)


class RecipientFactory(Base):
    """One person on a draft design's list, in the United States unless told otherwise."""

    class Meta:
        model = Recipient

    class Params:
        design = factory.SubFactory(DesignFactory)

    design_id = factory.SelfAttribute("design.id")
    organisation_id = factory.SelfAttribute("design.organisation_id")
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Recipient {n}")
    street = "1600 Amphitheatre Parkway"
    city = "Mountain View"
    region = "CA"
    postal_code = "94043"
    country = "US"


class RecipientImportFactory(Base):
    """An upload waiting for its columns to be matched."""

    class Meta:
        model = RecipientImport

    class Params:
        design = factory.SubFactory(DesignFactory)

    design_id = factory.SelfAttribute("design.id")
    organisation_id = factory.SelfAttribute("design.organisation_id")
    created_by_id = factory.SelfAttribute("design.created_by_id")
    filename = "list.csv"
    headers = factory.LazyFunction(lambda: ["Name", "Country"])


class RecipientImportRowFactory(Base):
    """One row of an upload, as entered."""

    class Meta:
        model = RecipientImportRow

    class Params:
        upload = factory.SubFactory(RecipientImportFactory)

    import_id = factory.SelfAttribute("upload.id")
    line = factory.Sequence(lambda n: n + 2)
    cells = factory.LazyFunction(lambda: ["Ada Lovelace", "GB"])


class ProofFactory(Base):
    """A ready proof version of its design's spec (no files stored: ``ready_proof`` stores them)."""

    class Meta:
        model = Proof

    design = factory.SubFactory(DesignFactory, status="submitted")
    version = factory.LazyAttribute(lambda proof: len(proof.design.proofs) + 1)
    spec = factory.SelfAttribute("design.spec")
    spec_hash = factory.LazyAttribute(lambda proof: BoxSpec.from_dict(proof.spec).content_hash())
    status = "ready"
    render_key = factory.Sequence(lambda n: f"test-render-{n}")


class ReviewFactory(Base):
    """A decision on a proof; the buyer's approval unless told otherwise. A row only: no order follows."""

    class Meta:
        model = Review

    proof = factory.SubFactory(ProofFactory)
    user = factory.SelfAttribute("proof.design.created_by")
    side = "buyer"
    decision = "approve"
    comment = ""


class OrderFactory(Base):
    """An order made by the order service from an approved proof, with its production jobs."""

    class Meta:
        model = Order

    proof = factory.SubFactory(ProofFactory, design__status="approved")

    @classmethod
    def _create(cls, model_class: type[Order], *, proof: Proof, **_kwargs: object) -> Order:
        order = orders.create_from(proof.design.created_by, proof)
        db.session.commit()
        return order


def make_order(**changes: object) -> Order:
    """An order of the Warm Welcome box with ``changes`` to its spec."""
    return OrderFactory(proof__design__spec=box_spec(**changes))


class DeliveryAddressFactory(Base):
    """A design's delivery address: a New York office that passes every check."""

    class Meta:
        model = DeliveryAddress
        exclude = ("design",)

    design = factory.SubFactory(DesignFactory)
    design_id = factory.SelfAttribute("design.id")
    organisation_id = factory.SelfAttribute("design.organisation_id")
    country = "US"
    name = "Sam Rivera"
    company = "Acme Events"
    street = "350 Fifth Avenue, Suite 2100"
    city = "New York"
    region = "NY"
    postal_code = "10118"
    phone = "+1 212-736-3100"
    instructions = "Loading dock on 33rd Street; ask for Sam at reception."
    hours = "Mon-Fri 9:00-17:00"


def valid_address(**changes: str) -> dict[str, str]:
    """The wizard's delivery-step fields for that same office, with ``changes``."""
    fields = {
        "country": "US",
        "name": "Sam Rivera",
        "company": "Acme Events",
        "street": "350 Fifth Avenue, Suite 2100",
        "city": "New York",
        "region": "NY",
        "postal_code": "10118",
        "phone": "+1 212-736-3100",
        "instructions": "Loading dock on 33rd Street; ask for Sam at reception.",
        "hours": "Mon-Fri 9:00-17:00",
    }
    return {**fields, **changes}


class ProductionJobFactory(Base):
    """One more job on an order (an order from ``OrderFactory`` already has its planned jobs)."""

    class Meta:
        model = ProductionJob

    order = factory.SubFactory(OrderFactory)
    kind = "make"
    title = factory.Sequence(lambda n: f"Make job {n}")
    quantity = 1
    maker_minutes = 10


class AuditEventFactory(Base):
    class Meta:
        model = AuditEvent

    subject = factory.Sequence(lambda n: f"design:{n}")
    action = "design.created"
    detail = factory.LazyFunction(dict)


class LogoFactory(Base):
    class Meta:
        model = Logo
        exclude = ("uploaded_by",)

    uploaded_by = factory.SubFactory(UserFactory)
    organisation_id = factory.SelfAttribute("uploaded_by.organisation_id")
    uploaded_by_id = factory.SelfAttribute("uploaded_by.id")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    filename = "logo.png"
    original_format = "png"
    width_px = 1200
    height_px = 600


class DocumentFactory(Base):
    """A queued approval record of an organisation (the document service decides what it contains)."""

    class Meta:
        model = Document
        exclude = ("organisation",)

    organisation = factory.SubFactory(OrganisationFactory)
    organisation_id = factory.SelfAttribute("organisation.id")
    kind = DocumentKind.APPROVAL_RECORD
    subject = factory.Sequence(lambda n: f"order:{n}")
    content_key = factory.Sequence(lambda n: f"{n:064x}")
    inputs = factory.LazyFunction(dict)


class CapacityDayFactory(Base):
    """Paid maker minutes on a weekday (0 is Monday); pass ``weekday``, it is the primary key."""

    class Meta:
        model = CapacityDay

    weekday = factory.Sequence(lambda n: n % 7)
    maker_minutes = 480


class CapacityExceptionFactory(Base):
    class Meta:
        model = CapacityException

    day = factory.Sequence(lambda n: date.today() + timedelta(days=n + 1))
    maker_minutes = 0
    note = "closed"


class MakerScheduleFactory(Base):
    """A maker's own week: every skill by default, 6 hours Monday to Friday."""

    class Meta:
        model = MakerSchedule

    maker_id = factory.LazyFunction(lambda: MakerFactory().id)
    skills = factory.LazyFunction(lambda: [s.value for s in Skill])
    weekday_minutes = factory.LazyFunction(lambda: [360] * 5 + [0, 0])


class MakerDayOffFactory(Base):
    class Meta:
        model = MakerDayOff

    maker_id = factory.LazyFunction(lambda: MakerFactory().id)
    first_day = factory.Sequence(lambda n: date.today() + timedelta(days=n + 1))
    last_day = factory.SelfAttribute("first_day")
    note = "holiday"


class ShipmentFactory(Base):
    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory)
    carrier = "UPS"
    tracking_number = factory.Sequence(lambda n: f"1Z{n:06d}")
    boxes = 1
    shipped_by = factory.SubFactory(StaffFactory)


class QualityCheckMarkFactory(Base):
    """Staff's tick on the first line (the box) of an order's quality check."""

    class Meta:
        model = QualityCheckMark

    order = factory.SubFactory(OrderFactory)
    line_key = "box"
    mark = "ticked"
    marked_by = factory.SubFactory(StaffFactory)


class CommentFactory(Base):
    class Meta:
        model = Comment

    design = factory.SubFactory(DesignFactory)
    author = factory.SelfAttribute("design.created_by")
    body = "Looks lovely"


class ShareLinkFactory(Base):
    """A link to a proof shared by its buyer; ``token`` is what the guest's URL carries."""

    class Meta:
        model = ShareLink
        exclude = ("token",)

    token = factory.Sequence(lambda n: f"test-share-token-{n}")
    proof = factory.SubFactory(ProofFactory)
    created_by = factory.SelfAttribute("proof.design.created_by")
    token_hash = factory.LazyAttribute(lambda link: hash_token(link.token))
    recipient = "Priya in Finance"
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))


class GuestReviewFactory(Base):
    """Who really decided through a share link; the review is attributed to the buyer who shared it."""

    class Meta:
        model = GuestReview

    share_link = factory.SubFactory(ShareLinkFactory)
    review = factory.SubFactory(
        ReviewFactory,
        proof=factory.SelfAttribute("..share_link.proof"),
        user=factory.SelfAttribute("..share_link.created_by"),
    )
    name = "Priya"
    email = "priya@example.test"


class OutboxMessageFactory(Base):
    class Meta:
        model = OutboxMessage

    event = "proof.ready"
    dedupe_key = factory.Sequence(lambda n: f"proof.ready:{n}")
    to_addr = "buyer@example.test"
    subject = "Your proof is ready"
    body = "Have a look."
    message_id = factory.Sequence(lambda n: f"<{n}@gifts-of-hope.test>")


class NotificationPreferenceFactory(Base):
    """A notification kind a user turned off."""

    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    kind = "shipped"


class DigestMarkFactory(Base):
    class Meta:
        model = DigestMark

    name = factory.Sequence(lambda n: f"digest-{n}")
    sent_at = factory.LazyFunction(utcnow)


class WorkerHeartbeatFactory(Base):
    class Meta:
        model = WorkerHeartbeat

    name = "celery@box"
    hostname = "box"
    pid = 4242


def pseudonym(name: str = "Sunflower") -> User:
    """A maker as staff add one: a pseudonym only, no e-mail address."""
    maker = production.add_maker(None, name)
    db.session.commit()
    return maker


def ready_proof(design: Design, *, real: bool = False, **changes: object) -> Proof:
    """Submit the design (with ``changes`` to its spec) and give it a ready proof.

    ``real=True`` renders through the service (PDF and all, and its "proof ready" email);
    otherwise a real mockup and a stand-in PDF are stored, which is much faster.
    """
    spec = BoxSpec.from_dict(design.spec).replace(**changes)
    design.spec = spec.to_dict()
    design.status = "submitted"
    if real:
        proof = ProofFactory(design=design, status="queued", render_key=None)
        proof_service.render(proof.id)
        db.session.expire_all()
        proof = db.session.get(Proof, proof.id)
        assert proof.status == "ready", proof.failure_reason
        return proof
    proof = ProofFactory(design=design)
    store = storage()
    store.put(proof_service.file_key(proof, "png"), render_mockup(spec, load_catalog(), size=(800, 600)))
    store.put(proof_service.file_key(proof, "pdf"), b"%PDF-1.4\n% stand-in\n")
    return proof


class InvitationFactory(Base):
    """A pending invitation by an organisation admin; ``token`` is what the e-mailed link carries."""

    class Meta:
        model = Invitation
        exclude = ("token",)

    token = factory.Sequence(lambda n: f"test-invitation-token-{n}")
    invited_by = factory.SubFactory(OrganisationAdminFactory)
    organisation = factory.SelfAttribute("invited_by.organisation")
    email = factory.Sequence(lambda n: f"colleague{n}@example.test")
    role = Role.BUYER
    token_hash = factory.LazyAttribute(lambda invitation: hash_token(invitation.token))
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))


class PasswordResetFactory(Base):
    """An open reset link of a user; ``token`` is what the e-mailed link carries."""

    class Meta:
        model = PasswordReset
        exclude = ("token",)

    token = factory.Sequence(lambda n: f"test-reset-token-{n}")
    user = factory.SubFactory(UserFactory)
    email = factory.SelfAttribute("user.email")
    token_hash = factory.LazyAttribute(lambda reset: hash_token(reset.token))
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(hours=1))


class NumberSequenceFactory(Base):
    """A counter of its own (invoices take theirs from ``"invoice"``, made on first use)."""

    class Meta:
        model = NumberSequence

    name = factory.Sequence(lambda n: f"test-sequence-{n}")
    next = 1


class InvoiceFactory(Base):
    """The invoice a new order is issued with (the order service makes it: there is no other way)."""

    class Meta:
        model = Invoice

    @classmethod
    def _create(cls, model_class: type[Invoice], **_kwargs: object) -> Invoice:
        order = OrderFactory()
        return db.session.scalars(select(Invoice).where(Invoice.order_id == order.id)).one()


class CreditNoteFactory(Base):
    """The credit note of a new order that staff cancelled (the cancellation makes it: there is no other way)."""

    class Meta:
        model = CreditNote

    @classmethod
    def _create(cls, model_class: type[CreditNote], **_kwargs: object) -> CreditNote:
        note = cancellations.cancel(StaffFactory(), OrderFactory(), "The event was called off.")
        assert note is not None
        return note


class PaymentFactory(Base):
    """A bank transfer recorded by staff against a new order's invoice."""

    class Meta:
        model = Payment

    invoice = factory.SubFactory(InvoiceFactory)
    organisation_id = factory.SelfAttribute("invoice.organisation_id")
    amount = Decimal("100.00")
    received_on = factory.LazyFunction(lambda: datetime.now(UTC).date())
    method = PaymentMethod.BANK_TRANSFER
    reference = factory.Sequence(lambda n: f"BANK-REF-{n}")
    provider = PaymentSource.MANUAL
    recorded_by = factory.SubFactory(StaffFactory)


class DepositSettingFactory(Base):
    """Staff's deposit rule: by default every order asks for half up front (as large orders do)."""

    class Meta:
        model = DepositSetting

    id = 1
    above = Decimal("0.00")
    percent = Decimal("50")


def pay(order: Order, amount: Decimal | str | None = None) -> Payment:
    """Record ``amount`` (by default the deposit its invoice asks for) against the order's invoice."""
    invoice = db.session.scalars(select(Invoice).where(Invoice.order_id == order.id)).one()
    return PaymentFactory(invoice=invoice, amount=Decimal(amount if amount is not None else invoice.deposit))


class ApiTokenFactory(Base):
    """An organisation API token; ``secret`` is what its client sends as ``Bearer``."""

    class Meta:
        model = ApiToken

    secret = factory.Sequence(lambda n: f"goh_test-api-token-{n:040d}")
    created_by = factory.SubFactory(OrganisationAdminFactory)
    organisation = factory.SelfAttribute("created_by.organisation")
    name = factory.Sequence(lambda n: f"Integration {n}")
    scopes = factory.LazyFunction(lambda: [scope.value for scope in ApiScope])
    token_hash = factory.LazyAttribute(lambda token: hash_token(token.secret))
    prefix = factory.LazyAttribute(lambda token: token.secret[:12])

    @classmethod
    def _create(cls, model_class: type, *args: Any, secret: str, **kwargs: Any) -> ApiToken:
        """Keep the secret on the object (never in the database), for the test's requests."""
        token = super()._create(model_class, *args, **kwargs)
        token.secret = secret
        return token


class IdempotentRequestFactory(Base):
    class Meta:
        model = IdempotentRequest

    token_id = factory.LazyFunction(lambda: ApiTokenFactory().id)
    key = factory.Sequence(lambda n: f"key-{n}")
    fingerprint = "0" * 64
    status = 201
    body = factory.LazyFunction(dict)


class WebhookEndpointFactory(Base):
    """An organisation's webhook endpoint, subscribed to every event, with a fixed signing secret."""

    class Meta:
        model = WebhookEndpoint

    created_by = factory.SubFactory(OrganisationAdminFactory)
    organisation = factory.SelfAttribute("created_by.organisation")
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/gifts")
    events = factory.LazyFunction(lambda: [event.value for event in WebhookEvent])
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    enabled = True


class WebhookDeliveryFactory(Base):
    """A pending delivery of a ``proof.ready`` event, due now."""

    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event = WebhookEvent.PROOF_READY.value
    message_id = factory.Sequence(lambda n: f"msg_test{n:024d}")
    body = '{"type":"proof.ready","timestamp":"2026-01-01T00:00:00+00:00","data":{"proof_id":1}}'
