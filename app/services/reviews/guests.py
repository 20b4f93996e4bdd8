"""Share-link guests: who they say they are, and whether their approval counts."""

from __future__ import annotations

from dataclasses import dataclass

from app.models.review import ShareLink
from app.services.email_address import NotAnEmail, clean_email
from app.services.errors import Invalid
from app.services.reviews.rules import needs_approver


@dataclass(frozen=True)
class Guest:
    name: str
    email: str


def clean_guest(name: str, email: str) -> Guest:
    name = " ".join(name.split())
    problems = {}
    if not name:
        problems["name"] = "Enter your name."
    elif len(name) > 120:
        problems["name"] = "Keep your name under 120 characters."
    try:
        email = clean_email(email)
    except NotAnEmail as exc:
        problems["email"] = str(exc)
    if problems:
        raise Invalid("Please correct what is marked below.", problems)
    return Guest(name, email)


def guest_may_approve(link: ShareLink) -> bool:
    proof = link.proof
    return link.can_approve and not needs_approver(proof)
