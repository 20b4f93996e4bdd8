"""Public use cases own their transaction: they commit on success and roll back on a refusal.

Views call a use case and translate its domain exception into a message; they never touch
``db.session`` (pretix's services are built the same way).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def commits(use_case: Callable[P, R]) -> Callable[P, R]:
    """Run ``use_case`` as one transaction: commit when it returns, roll back when it raises."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = use_case(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run


def dialect_insert() -> Callable[..., Any]:
    """The ``insert`` of the session's database, for ``ON CONFLICT`` (PostgreSQL and SQLite spell it alike)."""
    return postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
