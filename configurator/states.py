"""The lifecycles of proofs, designs, orders, production jobs, documents, outbox messages, recipient
imports and webhook deliveries.

Each status is an enum here, next to its machine; the database columns are mapped to the same
enums with a CHECK constraint, so the schema refuses a status the machine does not know. Every
status change in the app goes through ``MACHINE.next(state, action)`` and every new row starts
in ``MACHINE.initial``, so an illegal move fails loudly in one place instead of leaving a row in
a state nobody planned for.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType


class IllegalTransition(ValueError):
    """An action that is not allowed from the current state."""

    def __init__(self, machine: str, state: str, action: str, allowed: Iterable[str]) -> None:
        self.machine, self.state, self.action = machine, state, action
        options = ", ".join(sorted(allowed)) or "nothing"
        super().__init__(
            f"Cannot {_words(action)} a {machine} that is {_words(state)}; allowed now: {options}."
        )


def _words(name: str) -> str:
    return name.replace("_", " ")


class StateMachine:
    """A table of ``(state, action) -> next state``; anything not in the table is illegal.

    ``initial`` is where every new row starts, so a row is never created in a state the
    machine cannot reach.
    """

    def __init__(self, name: str, transitions: Mapping[tuple[str, str], str], *, initial: str) -> None:
        self.name = name
        self.transitions = MappingProxyType(dict(transitions))
        self.states = frozenset(source for source, _ in self.transitions) | frozenset(
            self.transitions.values()
        )
        self.actions = frozenset(action for _, action in self.transitions)
        if initial not in self.states:
            raise ValueError(f"the {name} machine has no state {initial!r} to start in")
        self.initial = initial

    def next(self, state: str, action: str) -> str:
        try:
            return self.transitions[(state, action)]
        except KeyError:
            raise IllegalTransition(self.name, state, action, self.allowed(state)) from None

    def allowed(self, state: str) -> set[str]:
        return {action for (source, action) in self.transitions if source == state}

    def __repr__(self) -> str:
        return f"StateMachine({self.name!r}, {len(self.transitions)} transitions)"


def _table(*rows: tuple[str, Iterable[str], str]) -> dict[tuple[str, str], str]:
    """Spell transitions as (action, sources, target), the way the team talks about them."""
    return {(source, action): target for action, sources, target in rows for source in sources}


class RenderStatus(enum.StrEnum):
    """Where a render the worker makes stands: a proof version, or a document (approval record,
    packing slip, visual diff). One vocabulary; the two machines differ in their moves."""

    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


def _render_machine(name: str, requeue_from: Iterable[str]) -> StateMachine:
    """A worker's render: taken, drawn or failed; ``requeue_from`` says which states go back to the queue."""
    return StateMachine(
        name,
        _table(
            ("start", [RenderStatus.QUEUED], RenderStatus.RENDERING),
            ("finish", [RenderStatus.RENDERING], RenderStatus.READY),
            ("fail", [RenderStatus.RENDERING, RenderStatus.QUEUED], RenderStatus.FAILED),
            ("requeue", requeue_from, RenderStatus.QUEUED),
        ),
        initial=RenderStatus.QUEUED,
    )


PROOF = _render_machine("proof", [RenderStatus.RENDERING, RenderStatus.FAILED, RenderStatus.QUEUED])
"""A failed proof may be drawn again (staff's retry); a lapsed or lost render goes back to the queue."""


class DesignStatus(enum.StrEnum):
    """Where a design stands between its organisation's edits, review and the order."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ORDERED = "ordered"


DESIGN = StateMachine(
    "design",
    _table(
        ("submit", [DesignStatus.DRAFT], DesignStatus.SUBMITTED),
        ("request_changes", [DesignStatus.SUBMITTED], DesignStatus.DRAFT),
        ("edit", [DesignStatus.DRAFT], DesignStatus.DRAFT),
        ("approve", [DesignStatus.SUBMITTED], DesignStatus.APPROVED),
        ("order", [DesignStatus.APPROVED], DesignStatus.ORDERED),
    ),
    initial=DesignStatus.DRAFT,
)


class OrderStatus(enum.StrEnum):
    """Where an order stands, from confirmation to the buyer's door (or cancelled)."""

    CONFIRMED = "confirmed"
    IN_PRODUCTION = "in_production"
    QUALITY_CHECK = "quality_check"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


ORDER = StateMachine(
    "order",
    _table(
        ("start_production", [OrderStatus.CONFIRMED], OrderStatus.IN_PRODUCTION),
        ("send_to_qa", [OrderStatus.IN_PRODUCTION], OrderStatus.QUALITY_CHECK),
        ("fail_qa", [OrderStatus.QUALITY_CHECK], OrderStatus.IN_PRODUCTION),
        ("pack", [OrderStatus.QUALITY_CHECK], OrderStatus.PACKED),
        ("ship", [OrderStatus.PACKED], OrderStatus.SHIPPED),
        ("deliver", [OrderStatus.SHIPPED], OrderStatus.DELIVERED),
        (
            "cancel",
            [OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION, OrderStatus.QUALITY_CHECK, OrderStatus.PACKED],
            OrderStatus.CANCELLED,
        ),
    ),
    initial=OrderStatus.CONFIRMED,
)


class JobStatus(enum.StrEnum):
    """Where one unit of maker work stands on the workshop board."""

    QUEUED = "queued"
    CLAIMED = "claimed"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    PROBLEM = "problem"
    DONE = "done"


JOB = StateMachine(
    "job",
    _table(
        ("claim", [JobStatus.QUEUED], JobStatus.CLAIMED),
        ("release", [JobStatus.CLAIMED, JobStatus.PAUSED, JobStatus.PROBLEM], JobStatus.QUEUED),
        ("start", [JobStatus.CLAIMED, JobStatus.PAUSED], JobStatus.IN_PROGRESS),
        ("pause", [JobStatus.IN_PROGRESS], JobStatus.PAUSED),
        ("finish", [JobStatus.IN_PROGRESS], JobStatus.DONE),
        ("report_problem", [JobStatus.CLAIMED, JobStatus.IN_PROGRESS, JobStatus.PAUSED], JobStatus.PROBLEM),
    ),
    initial=JobStatus.QUEUED,
)


DocumentStatus = RenderStatus
"""The name the documents' code reads their status by."""


DOCUMENT = _render_machine("document", [RenderStatus.RENDERING, RenderStatus.QUEUED])
"""A failed document stays failed: the renderer refused these very inputs, and its row is keyed by them."""


class MessageStatus(enum.StrEnum):
    """Where an email in the outbox stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


MESSAGE = StateMachine(
    "message",
    _table(
        ("start", [MessageStatus.PENDING], MessageStatus.SENDING),
        ("finish", [MessageStatus.SENDING], MessageStatus.SENT),
        ("fail", [MessageStatus.SENDING], MessageStatus.FAILED),
        # A failed attempt, or a sender that died mid-send: try again later.
        ("requeue", [MessageStatus.SENDING], MessageStatus.PENDING),
    ),
    initial=MessageStatus.PENDING,
)


class ImportStatus(enum.StrEnum):
    """Where a recipient import stands: its columns matched by the buyer, its rows checked by a worker."""

    MAPPING = "mapping"
    QUEUED = "queued"
    CHECKING = "checking"
    CHECKED = "checked"
    FAILED = "failed"


IMPORT = StateMachine(
    "import",
    _table(
        ("map", [ImportStatus.MAPPING], ImportStatus.QUEUED),
        ("start", [ImportStatus.QUEUED], ImportStatus.CHECKING),
        ("finish", [ImportStatus.CHECKING], ImportStatus.CHECKED),
        ("fail", [ImportStatus.CHECKING, ImportStatus.QUEUED], ImportStatus.FAILED),
        # A database fault, or a worker that died mid-check: the rows checked so far stay done.
        ("requeue", [ImportStatus.CHECKING], ImportStatus.QUEUED),
        ("retry", [ImportStatus.FAILED], ImportStatus.QUEUED),
    ),
    initial=ImportStatus.MAPPING,
)
"""An upload waits for its mapping; then a worker checks its rows under a lease, chunk by chunk."""


class DeliveryStatus(enum.StrEnum):
    """Where one webhook delivery (an event, to one endpoint) stands."""

    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


DELIVERY = StateMachine(
    "webhook delivery",
    _table(
        ("start", [DeliveryStatus.PENDING], DeliveryStatus.SENDING),
        ("finish", [DeliveryStatus.SENDING], DeliveryStatus.DELIVERED),
        # Every attempt of the retry schedule failed (or sending kept killing its worker).
        ("fail", [DeliveryStatus.SENDING], DeliveryStatus.FAILED),
        # A failed attempt with retries left, or a sender that died mid-send.
        ("requeue", [DeliveryStatus.SENDING], DeliveryStatus.PENDING),
        # The organisation's admin sends it once more, on a fresh retry schedule.
        ("resend", [DeliveryStatus.DELIVERED, DeliveryStatus.FAILED], DeliveryStatus.PENDING),
    ),
    initial=DeliveryStatus.PENDING,
)
