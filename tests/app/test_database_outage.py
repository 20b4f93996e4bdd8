"""A request that loses its database connection gets a 503 page with a sentence, and the next
request works: PostgreSQL connections killed with ``pg_terminate_backend`` between and during
requests."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, text

from app.extensions import db
from app.views import DATABASE_UNAVAILABLE
from tests.app.factories import DesignFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
    pytest.mark.real_commits,  # the app's connections are killed: a test transaction on one would die with it
]


@pytest.fixture
def admin(app: Flask) -> Iterator:
    """A connection of our own that kills the app's connections (it never serves a request)."""
    engine = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _terminate(admin, pid: int | None = None) -> None:
    """Terminate one backend (or every other one of this database) and wait until it is gone."""
    which = "pid = :pid" if pid else "datname = current_database() AND pid <> pg_backend_pid()"
    admin.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {which}"), {"pid": pid})
    while admin.execute(text(f"SELECT count(*) FROM pg_stat_activity WHERE {which}"), {"pid": pid}).scalar():
        time.sleep(0.01)


@contextlib.contextmanager
def connection_killed_before(admin, fragment: str) -> Iterator[list[str]]:
    """Kill the app's own connection just before it runs the first statement containing ``fragment``."""
    hits: list[str] = []

    def before(conn, _cursor, statement, *_args) -> None:
        if not hits and fragment in statement:
            hits.append(statement)
            _terminate(admin, conn.connection.dbapi_connection.info.backend_pid)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield hits
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _login(browser, design) -> None:
    browser.login(design.created_by.email)
    db.session.close()  # the test's own session holds no connection the kills would break


def test_a_request_that_loses_its_connection_gets_503_and_the_next_one_works(app, browser, admin):
    design = DesignFactory(name="Welcome box")
    db.session.commit()
    _login(browser, design)
    assert browser.get("/designs").status_code == 200

    _terminate(admin)  # between requests: the pool notices (pre-ping) and reconnects
    assert "Welcome box" in browser.get("/designs").text

    with connection_killed_before(admin, "FROM design") as hits:  # during a request, after login
        page = browser.get("/designs")
    assert hits, "the connection was not killed"
    assert page.status_code == 503
    assert DATABASE_UNAVAILABLE in page.text and "Error" not in page.text
    assert page.headers["Retry-After"].isdigit()

    with connection_killed_before(admin, '"user"'):  # the very first query: who is logged in
        page = browser.get(f"/designs/{design.id}/status.json")
    assert page.status_code == 503 and page.get_json() == {"error": DATABASE_UNAVAILABLE}

    again = browser.get("/designs")  # the next request works, and nothing saved was lost
    assert again.status_code == 200 and "Welcome box" in again.text
