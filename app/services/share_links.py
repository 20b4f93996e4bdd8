"""Review links for colleagues without an account: one proof version, read-only, expiring.

The token is random and shown once; only its SHA-256 is stored, so a copy of the database
opens no proof. A link can be revoked at any time and stops working at its expiry.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import has_request_context, request
from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import AuditEvent, Proof, User, utcnow
from app.models.review import ShareLink
from app.services import audit
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from configurator.states import RenderStatus

MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 1, 30, 7


class LinkClosed(NotFound):
    """A link that existed but expired or was revoked: the page says which, and what to do."""

    status = 410

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewLink:
    link: ShareLink
    token: str
    """The only time the token exists outside the person's browser."""


def create(user: User, proof: Proof, *, days: int, recipient: str, can_approve: bool) -> NewLink:
    """Make a link for ``proof``; the caller checked the user may see it. Commits."""
    if not user.is_buyer_side:
        raise Forbidden("Only the buyer's organisation can share its proofs.")
    if proof.status != RenderStatus.READY:
        raise Conflict("This proof is not ready yet; share it once you can see it.")
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise Invalid(f"Choose between {MIN_DAYS} and {MAX_DAYS} days.", {"days": "Out of range."})
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        proof=proof,
        created_by_id=user.id,
        token_hash=hash_token(token),
        recipient=" ".join(recipient.split())[:200],
        can_approve=can_approve,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        user,
        "share_link.created",
        f"proof:{proof.id}",
        proof.design.organisation_id,
        link=link.id,
        version=proof.version,
        days=days,
        recipient=link.recipient,
        can_approve=can_approve,
    )
    db.session.commit()
    return NewLink(link, token)


_LINKS_FOR = (
    select(ShareLink)
    .where(ShareLink.proof_id.in_(bindparam("proofs", expanding=True)))
    .order_by(ShareLink.id.desc())
)
"""Built once: every review page lists its links."""


def links_for(proof_ids: list[int]) -> list[ShareLink]:
    if not proof_ids:
        return []
    return list(db.session.scalars(_LINKS_FOR, {"proofs": proof_ids}))


def get_for_user(user: User, link_id: int) -> ShareLink:
    link = db.session.get(ShareLink, link_id)
    if link is None or not (user.is_staff or link.proof.design.organisation_id == user.organisation_id):
        raise NotFound("We could not find that link.")
    return link


def revoke(user: User, link: ShareLink) -> None:
    """Withdraw a link at once. Idempotent. Commits."""
    if not user.is_buyer_side:
        raise Forbidden("Only the buyer's organisation can withdraw its links.")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        link.revoked_by_id = user.id
        audit.record(
            user,
            "share_link.revoked",
            f"proof:{link.proof_id}",
            link.proof.design.organisation_id,
            link=link.id,
            version=link.proof.version,
        )
    db.session.commit()


def state(link: ShareLink) -> str:
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= utcnow():
        return "expired"
    return "active"


def resolve(token: str) -> ShareLink:
    """The live link for ``token``; unknown -> NotFound, expired or revoked -> LinkClosed."""
    if not token or len(token) > 100:
        raise NotFound("This review link is not valid. Please check that you copied all of it.")
    link = db.session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    if link is None:
        raise NotFound("This review link is not valid. Please check that you copied all of it.")
    current = state(link)
    if current == "revoked":
        raise LinkClosed("This review link has been withdrawn by the person who shared it.", "revoked")
    if current == "expired":
        raise LinkClosed(f"This review link expired on {link.expires_at:%d %B %Y}.", "expired")
    return link


def touch(link: ShareLink) -> None:
    """Remember the last visit (at most once a minute, so viewing does not write on every request)."""
    now = utcnow()
    if link.last_used_at is None or now - link.last_used_at > timedelta(minutes=1):
        link.last_used_at = now
        db.session.commit()


def record_guest(action: str, link: ShareLink, name: str, email: str, **detail: object) -> None:
    """An audit event for a guest: no account, so the actor is the name and email they gave."""
    db.session.add(
        AuditEvent(
            actor_id=None,
            actor_role="guest",
            organisation_id=link.proof.design.organisation_id,
            subject=f"proof:{link.proof_id}",
            action=action,
            detail={"link": link.id, "guest_name": name, "guest_email": email, **detail},
            address=request.remote_addr if has_request_context() else None,
        )
    )
