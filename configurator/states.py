"""The lifecycles of proofs, designs, orders, production jobs and documents.

Every status change in the app goes through ``MACHINE.next(state, action)``, so an illegal
move fails loudly in one place instead of leaving a row in a state nobody planned for.
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
    """A table of ``(state, action) -> next state``; anything not in the table is illegal."""

    def __init__(self, name: str, transitions: Mapping[tuple[str, str], str]) -> None:
        self.name = name
        self.transitions = MappingProxyType(dict(transitions))
        self.states = frozenset(source for source, _ in self.transitions) | frozenset(
            self.transitions.values()
        )
        self.actions = frozenset(action for _, action in self.transitions)

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


PROOF = StateMachine(
    "proof",
    _table(
        ("start", ["queued"], "rendering"),
        ("finish", ["rendering"], "ready"),
        ("fail", ["rendering", "queued"], "failed"),
        ("requeue", ["rendering", "failed", "queued"], "queued"),
    ),
)

DESIGN = StateMachine(
    "design",
    _table(
        ("submit", ["draft"], "submitted"),
        ("request_changes", ["submitted"], "draft"),
        ("edit", ["draft"], "draft"),
        ("approve", ["submitted"], "approved"),
        ("order", ["approved"], "ordered"),
    ),
)

ORDER = StateMachine(
    "order",
    _table(
        ("start_production", ["confirmed"], "in_production"),
        ("send_to_qa", ["in_production"], "quality_check"),
        ("fail_qa", ["quality_check"], "in_production"),
        ("pack", ["quality_check"], "packed"),
        ("ship", ["packed"], "shipped"),
        ("deliver", ["shipped"], "delivered"),
        ("cancel", ["confirmed", "in_production", "quality_check", "packed"], "cancelled"),
    ),
)

JOB = StateMachine(
    "job",
    _table(
        ("claim", ["queued"], "claimed"),
        ("release", ["claimed", "paused", "problem"], "queued"),
        ("start", ["claimed", "paused"], "in_progress"),
        ("pause", ["in_progress"], "paused"),
        ("finish", ["in_progress"], "done"),
        ("report_problem", ["claimed", "in_progress", "paused"], "problem"),
    ),
)


class DocumentStatus(enum.StrEnum):
    """Where a document the worker makes (approval record, packing slip, visual diff) stands."""

    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


DOCUMENT = StateMachine(
    "document",
    _table(
        ("start", [DocumentStatus.QUEUED], DocumentStatus.RENDERING),
        ("finish", [DocumentStatus.RENDERING], DocumentStatus.READY),
        ("fail", [DocumentStatus.RENDERING, DocumentStatus.QUEUED], DocumentStatus.FAILED),
        ("requeue", [DocumentStatus.RENDERING, DocumentStatus.QUEUED], DocumentStatus.QUEUED),
    ),
)
