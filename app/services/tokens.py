"""Secret links: a random token shown once, and only its SHA-256 kept.

Review links, invitations and password resets are all made this way, so a copy of the
database opens none of them.
"""

from __future__ import annotations

import hashlib
import secrets

MAX_TOKEN_CHARS = 100
"""Longer than any token we make: a longer one is refused before it is hashed and looked up."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash: the token goes in the link, the hash in the database."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def plausible(token: str) -> bool:
    """Whether ``token`` could be one of ours at all (so junk is refused without a lookup)."""
    return bool(token) and len(token) <= MAX_TOKEN_CHARS
