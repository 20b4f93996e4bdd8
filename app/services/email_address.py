"""E-mail addresses: deliverable syntax, checked one way everywhere an address comes in.

Only the syntax, never DNS: a request must not wait on a lookup, and a company's own domain
(``colleague@acme.test`` in our demo) is as good as any. ``email-validator`` does the work;
``test_environment`` lets the reserved ``.test`` domain through, which the demo organisations
and tests use; the other special-use names (``.invalid``, ``.localhost``…) can never receive
mail and stay refused.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

EXAMPLE = "name@example.com"


class NotAnEmail(ValueError):
    """The text is not an address mail can be sent to; the message says why, for the field."""


def clean_email(text: str) -> str:
    """The address in the form we store (lower case, normalised), or NotAnEmail with a sentence."""
    text = text.strip()
    if not text:
        raise NotAnEmail(f"Enter your email address, such as {EXAMPLE}.")
    try:
        found = validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        # email-validator's messages are written for people ("The part after the @-sign …").
        raise NotAnEmail(f"Enter your email address, such as {EXAMPLE}. {exc}") from None
    return found.normalized.lower()
