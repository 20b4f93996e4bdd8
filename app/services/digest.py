"""Staff hear when proofs wait for their check: one e-mail listing them all, at most every few minutes.

A beat task runs :func:`send_staff_digest` every minute on whichever worker has it; the state is
the ``digest_mark`` row, never the worker, so a dead worker only delays a digest. The sender
claims the next digest with one conditional UPDATE on the time it read and writes the e-mails
in the same transaction: two workers at once send it once, and a worker that dies before its
commit leaves the claim unspent for the next run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import DigestMark, Role, User, utcnow
from app.services import notifications, preferences
from app.services.reviews.queue import pending_staff_review
from configurator.vocabulary import NotificationKind

KIND = NotificationKind.PROOF_WAITING
NEVER = datetime(2000, 1, 1, tzinfo=UTC).replace(tzinfo=None)
"""The mark of a digest never sent: every waiting proof is new to it."""


def _mark() -> datetime:
    """When the last digest went out; the row is made the first time (by one of two racing workers)."""
    found = db.session.get(DigestMark, KIND.value)
    if found is not None:
        return found.sent_at
    try:
        with db.session.begin_nested():
            db.session.add(DigestMark(name=KIND.value, sent_at=NEVER))
    except IntegrityError:
        pass  # another worker made it a moment ago
    return db.session.execute(select(DigestMark.sent_at).where(DigestMark.name == KIND.value)).scalar_one()


def send_staff_digest(now: datetime | None = None) -> int:
    """Queue the digest for every staff member who receives it; return how many e-mails. Commits."""
    now = now or utcnow()
    seen = _mark()
    if now - seen < timedelta(seconds=current_app.config["STAFF_DIGEST_SECONDS"]):
        db.session.rollback()
        return 0
    waiting = pending_staff_review()
    if not any(proof.updated_at > seen for proof in waiting):
        db.session.rollback()  # nothing began waiting since the last digest: no repeat of it
        return 0
    claimed = db.session.execute(
        update(DigestMark)
        .where(DigestMark.name == KIND.value, DigestMark.sent_at == seen)
        .values(sent_at=now)
    )
    if claimed.rowcount != 1:
        db.session.rollback()  # another worker sent this digest
        return 0
    staff = list(db.session.scalars(select(User).where(User.role.in_((Role.STAFF, Role.ADMIN)), User.active)))
    context = {
        "proofs": [
            {
                "design": proof.design,
                "version": proof.version,
                "new": proof.updated_at > seen,
                "url": notifications.external_url("review.show", design_id=proof.design_id, v=proof.version),
            }
            for proof in waiting
        ],
        "queue_url": notifications.external_url("review.staff_queue"),
        "settings_url": notifications.external_url("auth.notification_settings"),
        "minutes": round(current_app.config["STAFF_DIGEST_SECONDS"] / 60),
    }
    receivers = [u for u in preferences.receivers(KIND, staff) if u.email]
    for user in receivers:
        notifications.send_to_address(
            KIND.value, user.email, f"{KIND}:{now.isoformat()}:{user.id}", user=user, **context
        )
    db.session.commit()
    return len(receivers)
