"""The design's conversation: comments by account holders and guests, and the thread with decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import Design, Review, Role, User
from app.models.review import Comment, ShareLink
from app.services import audit
from app.services.errors import Invalid
from app.services.reviews.common import COLLEAGUE, _clean_comment
from app.services.reviews.guests import Guest
from app.services.share_links import record_guest
from configurator.vocabulary import Decision


def add_comment(user: User, design: Design, body: str, version: int | None) -> Comment:
    """A comment in the design's thread, on the version the author was looking at. Commits."""
    body = _clean_comment(body, required=False)
    if not body:
        raise Invalid("Write a comment first.", {"body": "Write a comment first."})
    versions = {p.version for p in design.proofs}
    comment = Comment(
        design=design,
        proof_version=version if version in versions else None,
        author_id=user.id,
        body=body,
    )
    db.session.add(comment)
    db.session.flush()
    audit.record(
        user,
        "comment.added",
        f"design:{design.id}",
        design.organisation_id,
        comment=comment.id,
        version=version,
    )
    db.session.commit()
    return comment


def add_guest_comment(link: ShareLink, guest: Guest, body: str) -> Comment:
    body = _clean_comment(body, required=False)
    if not body:
        raise Invalid("Write a comment first.", {"body": "Write a comment first."})
    design = link.proof.design
    comment = Comment(
        design=design,
        proof_version=link.proof.version,
        share_link_id=link.id,
        guest_name=guest.name,
        guest_email=guest.email,
        body=body,
    )
    db.session.add(comment)
    db.session.flush()
    record_guest(
        "comment.added", link, guest.name, guest.email, comment=comment.id, version=link.proof.version
    )
    db.session.commit()
    return comment


@dataclass(frozen=True)
class ThreadEntry:
    at: datetime
    version: int | None
    who: str
    role: str
    """A short label after the name: "approver", "Gifts of Hope", "guest via shared link"…"""
    kind: str  # "comment", "colleague_approve" or a Decision
    body: str

    @property
    def verb(self) -> str:
        if Decision.has(self.kind):
            return Decision(self.kind).label.lower()
        return {"colleague_approve": "approved (waiting for the approver)", "comment": "commented"}[self.kind]


def _role_label(user: User) -> str:
    if user.is_staff:
        return "Gifts of Hope"
    return "approver" if user.role == Role.APPROVER else "buyer"


def _who(user: User) -> str:
    return "Gifts of Hope staff" if user.is_staff else user.display_name


def decided_by(review: Review, viewer: User) -> str:
    """Who made a decision, as the person reading the page should read it.

    A share-link decision names the guest (not the buyer who shared the link), so nobody
    reads "You approved" for a colleague's approval.
    """
    guest = review.guest
    if guest is not None:
        return f"{guest.name} (guest, {guest.email})"
    if review.user_id == viewer.id:
        return "you"
    user = review.user
    if user.is_staff:
        return f"{user.display_name} (Gifts of Hope)" if viewer.is_staff else "Gifts of Hope staff"
    return f"{user.display_name} ({_role_label(user)})"


def when(at: datetime) -> str:
    """A decision's time as every review page writes it."""
    return f"{at:%d %b %Y, %H:%M} UTC"


_COMMENTS = select(Comment).where(Comment.design_id == bindparam("design"))
_COMMENTS_ON = _COMMENTS.where(Comment.proof_version == bindparam("version"))
"""Built once: every review page shows its thread."""


def thread(design: Design, *, version: int | None = None) -> list[ThreadEntry]:
    """Comments and decisions of a design, oldest first; only one version's when ``version`` is set."""
    entries: list[ThreadEntry] = []
    for proof in design.proofs:
        if version is not None and proof.version != version:
            continue
        for r in proof.reviews:
            kind = "colleague_approve" if r.side == COLLEAGUE else r.decision
            guest = r.guest
            if guest is not None:
                who = guest.name
                role = f"guest via a link from {r.user.display_name}"
            else:
                who, role = _who(r.user), _role_label(r.user)
            entries.append(ThreadEntry(r.created_at, proof.version, who, role, kind, r.comment))
    query = _COMMENTS if version is None else _COMMENTS_ON
    for c in db.session.scalars(query, {"design": design.id, "version": version}):
        if c.author is not None:
            who, role = _who(c.author), _role_label(c.author)
        else:
            who, role = c.guest_name or "Guest", "guest via a shared link"
        entries.append(ThreadEntry(c.created_at, c.proof_version, who, role, "comment", c.body))
    return sorted(entries, key=lambda e: e.at)
