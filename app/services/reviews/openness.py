"""When a proof is open for decision, and in plain words why not: the one definition.

The decision service refuses a decision on a closed proof, and the review and guest pages
show their decision buttons only on an open one; all three ask :func:`why_closed`.
"""

from __future__ import annotations

import enum

from app.models import Proof
from configurator.states import DesignStatus, RenderStatus
from configurator.vocabulary import Decision


class Closed(enum.StrEnum):
    """Why nobody may decide on a proof now; ``text`` is what a person reads about it."""

    NOT_LATEST = "not_latest"
    ORDERED = "ordered"
    REOPENED = "reopened"
    NOT_WAITING = "not_waiting"

    @property
    def text(self) -> str:
        return _TEXT[self]


_TEXT = {
    Closed.NOT_LATEST: "A newer version of this design exists; only the latest can be approved.",
    Closed.ORDERED: "Both sides have approved this proof and its order is confirmed.",
    Closed.REOPENED: "Changes were asked for on this proof, so the design is open for editing again.",
    Closed.NOT_WAITING: "This proof is not waiting for a decision any more.",
}


def why_closed(proof: Proof) -> Closed | None:
    """None while the proof is open for decision: its design's latest, submitted, and drawn."""
    design = proof.design
    latest = design.latest_proof
    if latest is None or latest.id != proof.id:
        return Closed.NOT_LATEST
    if design.status == DesignStatus.ORDERED:
        return Closed.ORDERED
    if design.status == DesignStatus.DRAFT and any(
        r.decision == Decision.REQUEST_CHANGES for r in proof.reviews
    ):
        return Closed.REOPENED
    if design.status != DesignStatus.SUBMITTED or proof.status != RenderStatus.READY:
        return Closed.NOT_WAITING
    return None
