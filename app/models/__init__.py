"""Database models, one module per aggregate; import them from here.

The database is the source of truth; Celery only wakes workers up. Relationships name their
targets by class name, resolved through SQLAlchemy's registry, so the modules need not import
each other at run time.
"""

from app.models.accounts import Invitation, Organisation, PasswordReset, Role, User
from app.models.api import ApiToken, IdempotentRequest
from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.models.billing import CreditNote, DepositSetting, Invoice, NumberSequence, Payment
from app.models.branding import Logo
from app.models.delivery import DeliveryAddress
from app.models.designs import Design, Proof
from app.models.documents import Document, DocumentKind
from app.models.orders import Order
from app.models.outbox import DigestMark, NotificationPreference, OutboxMessage
from app.models.production import (
    CapacityDay,
    CapacityException,
    MakerDayOff,
    MakerSchedule,
    ProductionJob,
    QualityCheckMark,
    Shipment,
)
from app.models.recipients import Recipient, RecipientImport, RecipientImportRow
from app.models.review import Comment, GuestReview, Review, ShareLink
from app.models.webhooks import WebhookDelivery, WebhookEndpoint
from app.models.worker import WorkerHeartbeat

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CapacityDay",
    "CapacityException",
    "Comment",
    "CreditNote",
    "DeliveryAddress",
    "DepositSetting",
    "Design",
    "DigestMark",
    "Document",
    "DocumentKind",
    "GuestReview",
    "IdempotentRequest",
    "Invitation",
    "Invoice",
    "Logo",
    "MakerDayOff",
    "MakerSchedule",
    "NotificationPreference",
    "NumberSequence",
    "Order",
    "Organisation",
    "OutboxMessage",
    "PasswordReset",
    "Payment",
    "ProductionJob",
    "Proof",
    "QualityCheckMark",
    "Recipient",
    "RecipientImport",
    "RecipientImportRow",
    "Review",
    "Role",
    "ShareLink",
    "Shipment",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WorkerHeartbeat",
    "utcnow",
]
