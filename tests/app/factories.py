"""factory_boy factories for the models the app tests need."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.extensions import db
from app.models import Design, Organisation, Role, User
from app.services.accounts import hash_password
from configurator.catalog import load_catalog

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)  # hashing is slow by design; do it once for all test users


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - factory_boy wants a callable
        sqlalchemy_session_persistence = "commit"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password_hash = _HASH
    role = Role.BUYER
    organisation = factory.SubFactory(OrganisationFactory)


class StaffFactory(UserFactory):
    role = Role.STAFF
    organisation = None


class MakerFactory(UserFactory):
    role = Role.MAKER
    organisation = None
    display_name = factory.Sequence(lambda n: f"Maker {n}")


class DesignFactory(Base):
    class Meta:
        model = Design

    created_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("created_by.organisation")
    name = "Warm Welcome"
    spec = factory.LazyFunction(
        lambda: load_catalog().classics["warm-welcome"].spec.replace(message="Welcome aboard!").to_dict()
    )
