"""``Idempotency-Key``: the first request with a key does the work; a repeat gets its answer.

The key is claimed by an INSERT that does nothing on conflict with the unique (token, key):
of two requests racing with one key, exactly one inserts, so exactly one does the work. The
claim is committed before the work starts, so the loser sees it and does not start.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import IdempotentRequest, utcnow

HEADERS = ("Location", "ETag")
"""The headers of an answer that a replay repeats (its body and status always)."""


def claim(token_id: int, key: str, fingerprint: str) -> IdempotentRequest | None:
    """None when this request now holds ``key``; else the row of the request that held it first."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    inserted = db.session.execute(
        dialect.insert(IdempotentRequest)
        .values(token_id=token_id, key=key, fingerprint=fingerprint, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["token_id", "key"])
        .returning(IdempotentRequest.id)
    ).scalar()
    db.session.commit()
    if inserted is not None:
        return None
    return db.session.scalars(
        select(IdempotentRequest).where(IdempotentRequest.token_id == token_id, IdempotentRequest.key == key)
    ).one()


def finish(token_id: int, key: str, status: int, body: Any, headers: dict[str, str]) -> None:
    """Keep the first answer, for every repeat of the key."""
    db.session.execute(
        update(IdempotentRequest)
        .where(IdempotentRequest.token_id == token_id, IdempotentRequest.key == key)
        .values(status=status, body=body, headers=headers)
    )
    db.session.commit()


def release(token_id: int, key: str) -> None:
    """Give the key back after a failure of ours (a 5xx): nothing was done, so a retry may do it."""
    db.session.rollback()
    db.session.execute(
        delete(IdempotentRequest).where(IdempotentRequest.token_id == token_id, IdempotentRequest.key == key)
    )
    db.session.commit()
