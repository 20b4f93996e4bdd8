"""The review pages as page objects: what each shows, who may decide, and why not.

:func:`review_page` is the page of a design for a signed-in reviewer, :func:`guest_review_page`
the page a share link opens. Views render them as they are; nothing in a view or a template
works out who may decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.models import Design, Proof, User
from app.models.review import ShareLink
from app.services import share_links
from app.services.designs import get_design
from app.services.errors import NotFound
from app.services.proofs import proof_reference
from app.services.reviews.comments import ThreadEntry, thread
from app.services.reviews.common import approvals, side_of
from app.services.reviews.guests import guest_may_approve
from app.services.reviews.openness import Closed, why_closed
from app.services.reviews.progress import Approvals, SentBack, Standing, approved_by, decision_summary
from app.services.reviews.progress import sent_back as sent_back_of
from app.services.reviews.progress import standing as standing_of
from app.services.reviews.queue import logo_facts, preflight
from app.services.reviews.rules import may_approve_for_buyer, needs_approver, proof_total
from configurator.catalog import Catalog, load_catalog
from configurator.spec import BoxSpec
from configurator.states import RenderStatus
from configurator.vocabulary import Decision, ReviewSide

NO_PROOF = "There is no proof to decide on yet."
ALREADY = {
    "me": "You have approved this version.",
    ReviewSide.BUYER: "Your organisation has approved this version.",
    ReviewSide.STAFF: "Gifts of Hope has approved this version.",
}
"""Why someone who could decide on an open proof gets no buttons: their decision is in."""


@dataclass(frozen=True)
class MayDecide:
    """Whether the viewer gets the decision buttons and, when not, why not in plain words."""

    why_not: str = ""
    counts: bool = False
    """An approval by the viewer is their side's (False: it waits for the organisation's approver)."""

    @property
    def allowed(self) -> bool:
        return not self.why_not


@dataclass(frozen=True)
class LinkRow:
    """A share link of the design, with whether it still works (active, expired or revoked)."""

    link: ShareLink
    state: str


@dataclass(frozen=True)
class ProofView:
    """What the page shows about the version looked at; absent while the design has no proof."""

    proof: Proof
    is_latest: bool
    compare_from: Proof | None
    """The ready version just before this one, offered for comparison."""
    approvals: frozenset[str]
    approved_by: Approvals
    needs_approver: bool
    total: Decimal
    reference: str


@dataclass(frozen=True)
class ReviewPage:
    design: Design
    proofs: tuple[Proof, ...]
    latest: Proof | None
    shown: ProofView | None
    spec: BoxSpec
    catalog: Catalog
    standing: Standing
    sent_back: SentBack | None
    decision: MayDecide
    thread: tuple[ThreadEntry, ...]
    summaries: Mapping[int, str]
    """Per proof id, its decisions in a few words, for the version history."""
    links: tuple[LinkRow, ...]
    preflight: tuple[str, ...]
    """Staff only: the logo preflight findings (empty for the buyer's side)."""
    logo: dict[str, Any] | None

    @property
    def proof(self) -> Proof | None:
        return self.shown.proof if self.shown else None

    @property
    def ready(self) -> tuple[Proof, ...]:
        return tuple(p for p in self.proofs if p.status == RenderStatus.READY)


def proof_by_version(design: Design, version: int) -> Proof:
    for proof in design.proofs:
        if proof.version == version:
            return proof
    raise NotFound(f"This design has no proof v{version}.")


def review_page(design_id: int, viewer: User, version: int | None = None) -> ReviewPage:
    """The review page of a design for this viewer, at ``version`` (the latest when None).

    Raises NotFound across organisations and for a version the design does not have.
    """
    design = get_design(viewer, design_id)
    proofs = tuple(design.proofs)
    proof = proof_by_version(design, version) if version else design.latest_proof
    staff = viewer.is_staff
    return ReviewPage(
        design=design,
        proofs=proofs,
        latest=design.latest_proof,
        shown=_shown(proof, proofs, viewer) if proof else None,
        spec=BoxSpec.from_dict(proof.spec if proof else design.spec),
        catalog=load_catalog(),
        standing=standing_of(design, viewer),
        sent_back=sent_back_of(design, viewer),
        decision=may_decide(viewer, proof),
        thread=tuple(thread(design)),
        summaries={p.id: decision_summary(p, viewer) for p in proofs},
        links=_links(proofs) if viewer.is_buyer_side else (),
        preflight=tuple(preflight(proof)) if staff and proof else (),
        logo=logo_facts(proof) if staff and proof else None,
    )


def _shown(proof: Proof, proofs: tuple[Proof, ...], viewer: User) -> ProofView:
    latest = proof.design.latest_proof
    earlier = [p for p in proofs if p.status == RenderStatus.READY and p.version < proof.version]
    return ProofView(
        proof=proof,
        is_latest=latest is not None and proof.id == latest.id,
        compare_from=earlier[-1] if earlier else None,
        approvals=frozenset(approvals(proof)),
        approved_by=approved_by(proof, viewer),
        needs_approver=needs_approver(proof),
        total=proof_total(proof),
        reference=proof_reference(proof),
    )


def _links(proofs: tuple[Proof, ...]) -> tuple[LinkRow, ...]:
    return tuple(
        LinkRow(link, share_links.state(link)) for link in share_links.links_for([p.id for p in proofs])
    )


def may_decide(viewer: User, proof: Proof | None) -> MayDecide:
    """Whether this signed-in reviewer may approve or send back ``proof`` now, and why not.

    Each person decides once, and each side once: after the buyer's side approved, nobody
    else there gets the buttons; a guest's approval through a link is not its maker's.
    """
    if proof is None:
        return MayDecide(NO_PROOF)
    closed = why_closed(proof)
    if closed is not None:
        return MayDecide(closed.text)
    if any(
        r.user_id == viewer.id and r.decision == Decision.APPROVE and r.guest is None for r in proof.reviews
    ):
        return MayDecide(ALREADY["me"])
    side = side_of(viewer)
    if side in approvals(proof):
        return MayDecide(ALREADY[side])
    return MayDecide(counts=viewer.is_staff or may_approve_for_buyer(viewer, proof))


@dataclass(frozen=True)
class GuestReviewPage:
    """The one proof version a share link opens, and whether its guest may approve it."""

    token: str
    link: ShareLink
    proof: Proof
    design: Design
    spec: BoxSpec
    catalog: Catalog
    closed: Closed | None
    decision: MayDecide
    """A guest may always approve an open proof; ``counts`` says whether it is the buyer's approval."""
    thread: tuple[ThreadEntry, ...]
    total: Decimal
    reference: str

    @property
    def superseded(self) -> bool:
        return self.closed is Closed.NOT_LATEST


def guest_review_page(token: str) -> GuestReviewPage:
    """The page of the live link for ``token``, remembering the visit.

    Raises NotFound for an unknown token and ``share_links.LinkClosed`` for a closed link.
    """
    link = share_links.resolve(token)
    share_links.touch(link)
    proof = link.proof
    closed = why_closed(proof)
    return GuestReviewPage(
        token=token,
        link=link,
        proof=proof,
        design=proof.design,
        spec=BoxSpec.from_dict(proof.spec),
        catalog=load_catalog(),
        closed=closed,
        decision=MayDecide(closed.text if closed else "", counts=guest_may_approve(link)),
        thread=tuple(thread(proof.design, version=proof.version)),
        total=proof_total(proof),
        reference=proof_reference(proof),
    )
