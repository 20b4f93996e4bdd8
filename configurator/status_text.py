"""Statuses as sentences people read: a state of a machine plus the plain facts around it.

Pages never show a status code; they ask here. Every state of every machine in
:mod:`configurator.states` has a sentence (a test walks the machines), and where staff need to
read something else than the buyer (whose move it is, what to do) the ``staff`` flag says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from configurator.states import (
    DeliveryStatus,
    DesignStatus,
    ImportStatus,
    JobStatus,
    MessageStatus,
    OrderStatus,
    RenderStatus,
)


@dataclass(frozen=True)
class Facts:
    """What the sentence may mention; each page passes what it knows, the rest stays empty."""

    staff: bool = False
    """The reader is Gifts of Hope staff (their move where a buyer waits for us)."""
    made: int | None = None
    total: int | None = None
    """Items made of the order's total, for "In production: 40 of 120 items made"."""
    approver_needed: bool = False
    """Above the organisation's limit: only an approver's approval counts."""
    reader_is_approver: bool = False
    buyer_approved: bool = False
    reason: str = ""
    """Why a design was sent back, in the words of whoever sent it."""
    version: int | None = None
    awaiting_deposit: bool = False
    """A confirmed order whose production waits for its deposit (``configurator.payments``)."""


def _proof(version: int | None) -> str:
    return f"Proof v{version}" if version else "The proof"


def design_sentence(status: DesignStatus, facts: Facts = Facts()) -> str:
    """Where a design stands and whose move it is."""
    if status == DesignStatus.DRAFT:
        if facts.reason:
            return (
                f"Sent back to you: {facts.reason}"
                if not facts.staff
                else f"Sent back to the buyer: {facts.reason}"
            )
        return "Draft: not submitted yet" if not facts.staff else "Draft: the buyer is still designing"
    if status == DesignStatus.SUBMITTED:
        return _submitted(facts)
    if status == DesignStatus.APPROVED:
        return "Approved by both sides: the order is being placed"
    if status == DesignStatus.ORDERED:
        return "Ordered"
    raise KeyError(status)


def _submitted(facts: Facts) -> str:
    if not facts.buyer_approved:
        if facts.approver_needed:
            if facts.staff:
                return "Waiting for the buyer's approver to approve"
            if facts.reader_is_approver:
                return "Waiting for you to approve"
            return "Waiting for your approver to approve"
        return "Waiting for the buyer to approve" if facts.staff else "Waiting for you to approve the proof"
    if facts.staff:
        return "Approved by the buyer: waiting for your check of the print details"
    return "Approved: waiting for Gifts of Hope to check the print details"


def proof_sentence(status: RenderStatus, facts: Facts = Facts()) -> str:
    """Where a proof's drawing stands."""
    name = _proof(facts.version)
    return {
        RenderStatus.QUEUED: f"{name} is waiting to be drawn",
        RenderStatus.RENDERING: f"{name} is being drawn: this takes a few seconds",
        RenderStatus.READY: f"{name} is ready",
        RenderStatus.FAILED: f"{name} could not be drawn"
        + (": retry it or look at the design" if facts.staff else ": our team has been told"),
    }[status]


def order_sentence(status: OrderStatus, facts: Facts = Facts()) -> str:
    """Where an order stands, with how much is made while makers are at work."""
    if status == OrderStatus.IN_PRODUCTION:
        if facts.total:
            return f"In production: {facts.made or 0} of {facts.total} items made"
        return "In production"
    if status == OrderStatus.CONFIRMED and facts.awaiting_deposit:
        return "Confirmed: production starts once the deposit is recorded"
    return {
        OrderStatus.CONFIRMED: "Confirmed: production starts soon",
        OrderStatus.QUALITY_CHECK: "Made: in our quality check",
        OrderStatus.PACKED: "Packed: ready to ship",
        OrderStatus.SHIPPED: "Shipped: on its way",
        OrderStatus.DELIVERED: "Delivered",
        OrderStatus.CANCELLED: "Cancelled",
    }[status]


def job_sentence(status: JobStatus, facts: Facts = Facts()) -> str:
    """Where one unit of maker work stands (staff's words; buyers never see jobs)."""
    return {
        JobStatus.QUEUED: "Waiting for a maker",
        JobStatus.CLAIMED: "Taken by a maker",
        JobStatus.IN_PROGRESS: "Being made",
        JobStatus.PAUSED: "Paused",
        JobStatus.PROBLEM: "A maker reported a problem" + (f": {facts.reason}" if facts.reason else ""),
        JobStatus.DONE: "Done",
    }[status]


def document_sentence(status: RenderStatus, facts: Facts = Facts()) -> str:
    """Where a document the worker prepares stands."""
    return {
        RenderStatus.QUEUED: "Being prepared: this usually takes a few seconds",
        RenderStatus.RENDERING: "Being prepared: this usually takes a few seconds",
        RenderStatus.READY: "Ready",
        RenderStatus.FAILED: "Could not be prepared",
    }[status]


def message_sentence(status: MessageStatus, facts: Facts = Facts()) -> str:
    """Where an e-mail in the outbox stands (staff's mail page)."""
    return {
        MessageStatus.PENDING: "Waiting to be sent",
        MessageStatus.SENDING: "Being sent",
        MessageStatus.SENT: "Sent",
        MessageStatus.FAILED: "Not sent: the mail server kept refusing it",
    }[status]


def import_sentence(status: ImportStatus, facts: Facts = Facts()) -> str:
    """Where a recipient import stands (the buyer's words; ``reason`` says why a check stopped)."""
    return {
        ImportStatus.MAPPING: "Waiting for you to match its columns",
        ImportStatus.QUEUED: "Waiting for our checker: it usually starts within seconds",
        ImportStatus.CHECKING: "Being checked, a few hundred rows at a time",
        ImportStatus.CHECKED: "Checked",
        ImportStatus.FAILED: "Stopped" + (f": {facts.reason}" if facts.reason else ""),
    }[status]


def delivery_sentence(status: DeliveryStatus, facts: Facts = Facts()) -> str:
    """Where a webhook delivery stands (the organisation admin's delivery log)."""
    return {
        DeliveryStatus.PENDING: "Waiting to be sent",
        DeliveryStatus.SENDING: "Being sent",
        DeliveryStatus.DELIVERED: "Delivered",
        DeliveryStatus.FAILED: "Failed: no retry left",
    }[status]


SENTENCES = {
    "design": design_sentence,
    "proof": proof_sentence,
    "order": order_sentence,
    "job": job_sentence,
    "document": document_sentence,
    "message": message_sentence,
    "import": import_sentence,
    "webhook delivery": delivery_sentence,
}
"""Each machine of :mod:`configurator.states` by name, with the function that words its states."""
