"""Domain exceptions that views translate into messages and status codes."""

from __future__ import annotations


class ServiceError(Exception):
    """Base: ``str(error)`` is a message a person can read."""

    status = 400


class NotFound(ServiceError):
    """Missing, or belongs to another organisation: the two look the same on purpose."""

    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    """The object changed since the user loaded it (stale tab, double submit, old version)."""

    status = 409


class Invalid(ServiceError):
    """Input breaks a rule; ``violations`` maps fields to messages."""

    status = 422

    def __init__(self, message: str, violations: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.violations = violations or {}
