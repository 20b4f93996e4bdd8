"""Demo data: two organisations, their buyers, staff and makers. Demo only."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, Role, User
from app.services.accounts import create_user
from app.services.production import add_maker

# (email, password, role, display name, organisation key). Printed by `make run`; never for production.
DEMO_USERS = (
    ("buyer@acme.test", "demo-buyer", Role.BUYER, "Ada Buyer", "acme"),
    ("approver@acme.test", "demo-approver", Role.APPROVER, "Ravi Approver", "acme"),
    ("admin@acme.test", "demo-admin", Role.ORGANISATION_ADMIN, "Olu Admin", "acme"),
    ("buyer@globex.test", "demo-globex", Role.BUYER, "Gail Globex", "globex"),
    ("staff@giftsofhope.test", "demo-staff", Role.STAFF, "Sam Staff", None),
    ("workshop@giftsofhope.test", "demo-workshop", Role.WORKSHOP, "Workshop tablet", None),
)
DEMO_MAKERS = ("Sunflower", "River", "Willow", "Sparrow")
"""Makers are pseudonyms only (no email, no password): they tap their name on the workshop tablet."""
ORGANISATIONS = {"acme": "Acme Events Ltd", "globex": "Globex Corporation"}


def seed_demo() -> bool:
    """Create the demo organisations and users once; return False when they already exist."""
    if db.session.scalar(select(User).limit(1)) is not None:
        return False
    orgs = {key: Organisation(name=name) for key, name in ORGANISATIONS.items()}
    db.session.add_all(orgs.values())
    for email, password, role, name, org in DEMO_USERS:
        create_user(email, password, role, name, orgs[org] if org else None)

    for pseudonym in DEMO_MAKERS:
        add_maker(None, pseudonym)
    db.session.commit()
    return True
