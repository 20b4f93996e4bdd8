"""App fixtures: every database test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import SessionTransaction

from app import background, create_app
from app.extensions import db
from tests.app.journeys import Browser, IsolatedClient
from tests.services import private_database, require_postgres


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "postgresql":
        with private_database(require_postgres()) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _migrated(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Build the schema once per database through the real migrations."""
    app = create_app(_config(database_url, tmp_path_factory.mktemp("files")), env=_env(tmp_path_factory))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def bare_app(
    request: pytest.FixtureRequest, tmp_path: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An app on an empty database of its own, for tests that run the migrations themselves."""
    with contextlib.ExitStack() as stack:
        if request.param == "postgresql":
            url = stack.enter_context(private_database(require_postgres()))
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('bare') / 'test.sqlite3'}"
        app = create_app(_config(url, tmp_path), env=_env(tmp_path_factory))
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def _env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {"INSTANCE_PATH": str(tmp_path_factory.getbasetemp() / "instance"), "CELERY_EAGER": "1"}


def _config(database_url: str, files: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "STORAGE_DIR": str(files),
        "PUBLIC_URL": "http://localhost",
    }


@pytest.fixture
def app(
    request: pytest.FixtureRequest, _migrated: str, tmp_path: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """The app on the migrated database; what the test writes is gone afterwards.

    A test runs in one transaction rolled back at its end (see ``_rolled_back``). A test marked
    ``real_commits`` writes for real, for connections of its own to see, and the tables are emptied after it.
    """
    app = create_app(_config(_migrated, tmp_path), env=_env(tmp_path_factory))
    app.test_client_class = IsolatedClient
    with app.app_context():
        if request.node.get_closest_marker("real_commits"):
            yield app
            _empty_every_table()
        else:
            with _rolled_back():
                yield app
        db.session.remove()
        db.engine.dispose()
    # A connection this test left open (an engine never disposed) is reported now, against this
    # test, not whenever a later test happens to collect it.
    gc.collect()


@contextlib.contextmanager
def _rolled_back() -> Iterator[None]:
    """Run everything on one connection inside one transaction, and roll it back at the end.

    Warehouse's pattern for SQLAlchemy 2: every session of this app (the test's and each request's)
    is bound to the connection with ``join_transaction_mode="create_savepoint"``, so a service's
    commit releases a savepoint and its rollback returns to one, and nothing outlives the test.
    Flask-SQLAlchemy's sessions ask ``db.engines`` for their bind, so the connection goes there.
    """
    engine = db.engine
    if engine.dialect.name == "sqlite":
        _begin_for_pysqlite(engine)
    connection = engine.connect()
    outer = connection.begin()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(db.engines, None, connection)  # type: ignore[index]
            patch.setitem(db.session.session_factory.kw, "join_transaction_mode", "create_savepoint")
            patch.setattr(db.session.session_factory, "class_", _SharingSession)
            try:
                yield
            finally:
                db.session.remove()
    finally:
        outer.rollback()
        connection.close()


class _SharingSession(Session):
    """A session that shares the test's connection with the sessions of other app contexts.

    Savepoints nest, transactions do not: a request's session that read after its commit holds a
    savepoint, and a task run eagerly meanwhile (in an app context of its own) commits inside it.
    Rolling that read back as the request ends would undo the task's work, which in production
    was committed apart. So a session closing with nothing of its own written releases its savepoint.
    """

    def close(self) -> None:
        transaction = self.get_transaction()
        untouched = not (self.info.get("flushed") or self.new or self.dirty or self.deleted)
        if transaction is not None and transaction.is_active and untouched:
            self.info.pop(background.PENDING, None)  # a close sends nothing, as in production
            self.commit()
        super().close()


background.listen(_SharingSession)  # the app's sessions of this test are of this class


@event.listens_for(_SharingSession, "after_flush")
def _note_flush(session: Session, _context: object) -> None:
    session.info["flushed"] = True


@event.listens_for(_SharingSession, "after_transaction_end")
def _forget_flush(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop("flushed", None)


def _begin_for_pysqlite(engine: Engine) -> None:
    """SQLAlchemy's recipe for savepoints on pysqlite: the driver emits no BEGIN, SQLAlchemy does.

    Otherwise the driver begins no transaction before a SAVEPOINT, and a released savepoint's
    writes would be committed instead of waiting for the outer rollback.
    """
    assert engine.pool.checkedin() == 0, "a connection opened before the recipe was in place"

    @event.listens_for(engine, "connect")
    def _no_driver_begin(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _emit_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def _empty_every_table() -> None:
    """After a ``real_commits`` test: empty every table, children first, so the next test starts from nothing."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def browser(client: FlaskClient) -> Browser:
    return Browser(client)
