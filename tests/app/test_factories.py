"""Every model has a factory in ``tests/app/factories.py``, and each makes a row the database keeps."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from app.extensions import db
from tests.app import factories

FACTORIES = sorted(
    (
        value
        for value in vars(factories).values()
        if isinstance(value, type) and issubclass(value, factories.Base) and not value._meta.abstract
    ),
    key=lambda f: f.__name__,
)


def test_every_model_has_a_factory():
    models = {mapper.class_ for mapper in db.Model.registry.mappers}
    assert models - {f._meta.model for f in FACTORIES} == set()


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_makes_a_row_the_database_keeps(app, factory_class):
    row = factory_class()
    key = inspect(row).identity
    db.session.expunge_all()
    assert db.session.get(factory_class._meta.model, key) is not None
