"""The models and the Alembic migrations describe the same schema, and every migration can be undone."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from tests.app.factories import DesignFactory, MakerFactory, UserFactory


def schema_differences() -> list:
    """What autogenerate would write to make the database match the models (nothing, we hope).

    Read on the session's connection: inside an ``app`` test that is the test's own transaction.
    """
    return compare_metadata(MigrationContext.configure(db.session.connection()), db.metadata)


def left_behind() -> dict[str, list[str]]:
    """The tables (and on PostgreSQL the enum types) still there: only Alembic's own table should be."""
    with db.engine.connect() as connection:
        found = {"tables": sorted(set(inspect(connection).get_table_names()) - {"alembic_version"})}
        if connection.dialect.name == "postgresql":
            found["types"] = sorted(
                connection.execute(text("SELECT typname FROM pg_type WHERE typtype = 'e'")).scalars()
            )
    return {kind: names for kind, names in found.items() if names}


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_models_match_migrations(app):
    assert schema_differences() == []


def test_every_migration_goes_down_to_base_and_up_again(bare_app):
    upgrade()
    downgrade(revision="base")
    assert left_behind() == {}
    upgrade()
    assert schema_differences() == []


def test_each_migration_can_be_undone_and_redone(bare_app):
    """The stairway: up one, down one, up again, so a downgrade is checked against its own upgrade."""
    for revision in revisions():
        upgrade(revision=revision)
        downgrade(revision="-1")
        upgrade(revision=revision)
    assert schema_differences() == []


def test_going_below_pseudonym_makers_keeps_them_and_their_login(bare_app):
    """Before 0004 every user had an e-mail: a maker without one gets an address that cannot receive mail."""
    upgrade()
    maker, buyer = MakerFactory(email=None).id, UserFactory(email="buyer@example.test").id
    db.session.remove()
    downgrade(revision="0003")
    with db.engine.connect() as connection:
        emails = dict(connection.execute(text('SELECT id, email FROM "user"')).all())
    assert emails == {maker: f"maker-{maker}@workshop.invalid", buyer: "buyer@example.test"}
    upgrade()
    assert schema_differences() == []


STATUS_TABLES = (
    "design",
    "proof",
    "order",
    "production_job",
    "document",
    "outbox_message",
    "recipient_import",
    "webhook_delivery",
)


def status_checks() -> set[str]:
    """The tables whose status column carries its machine's CHECK constraint (those there at this revision)."""
    with db.engine.connect() as connection:
        found = inspect(connection)
        tables = set(found.get_table_names())
        return {
            t
            for t in STATUS_TABLES
            if t in tables and f"ck_{t}_status" in {c["name"] for c in found.get_check_constraints(t)}
        }


def test_the_schema_refuses_a_status_no_machine_knows(bare_app):
    """0012 puts each machine's states into the schema; going below it takes them out again."""
    upgrade()
    assert status_checks() == set(STATUS_TABLES)
    design = DesignFactory().id
    lost = text("UPDATE design SET status = 'lost' WHERE id = :id")
    with pytest.raises(IntegrityError):
        db.session.execute(lost, {"id": design})
    db.session.remove()
    downgrade(revision="0011")
    assert status_checks() == set()
    upgrade()
    assert status_checks() == set(STATUS_TABLES)


def test_0014_gives_every_organisation_an_admin_and_going_below_makes_admins_approvers(bare_app):
    """Someone must be able to invite colleagues from the start: the first approver, else the first buyer."""
    upgrade(revision="0012")
    with db.engine.begin() as connection:
        for org_id, name in ((1, "With approver"), (2, "Buyers only"), (3, "Nobody")):
            connection.execute(
                text(
                    "INSERT INTO organisation (id, name, created_at, page_size) VALUES (:id, :n, '2026-01-01', 'A4')"
                ),
                {"id": org_id, "n": name},
            )
        people = [(1, "BUYER", 1), (2, "APPROVER", 1), (3, "APPROVER", 1), (4, "BUYER", 2), (5, "BUYER", 2)]
        for user_id, role, org_id in people:
            connection.execute(
                text(
                    'INSERT INTO "user" (id, email, display_name, password_hash, role, organisation_id, active, '
                    "created_at, session_generation) VALUES (:id, :e, 'P', 'x', :r, :o, :a, '2026-01-01', 0)"
                ),
                {"id": user_id, "e": f"p{user_id}@example.test", "r": role, "o": org_id, "a": True},
            )
    upgrade()

    def roles() -> dict[int, str]:
        with db.engine.connect() as connection:
            return dict(connection.execute(text('SELECT id, role FROM "user" ORDER BY id')).all())

    assert roles() == {
        1: "BUYER",
        2: "ORGANISATION_ADMIN",
        3: "APPROVER",
        4: "ORGANISATION_ADMIN",
        5: "BUYER",
    }
    downgrade(revision="0012")
    assert roles() == {1: "BUYER", 2: "APPROVER", 3: "APPROVER", 4: "APPROVER", 5: "BUYER"}
    upgrade()
    assert schema_differences() == []


def test_0020_marks_mapped_imports_checked_and_going_below_matches_unfinished_ones_again(bare_app):
    """Before 0020 a mapped import was checked in the request; below it, one a worker has not finished is mapped again."""
    upgrade(revision="0019")
    user = UserFactory()
    design = DesignFactory(organisation=user.organisation, created_by=user)
    ids = {"user": user.id, "design": design.id, "org": user.organisation_id}
    db.session.commit()
    insert = text(
        "INSERT INTO recipient_import (id, organisation_id, design_id, created_by_id, filename, headers, mapping, "
        "version, created_at, updated_at) VALUES (:id, :org, :design, :user, 'x.csv', '[]', :mapping, 1, "
        "'2026-01-01', '2026-01-01')"
    )
    with db.engine.begin() as connection:
        connection.execute(insert, {**ids, "id": 1, "mapping": '{"0": "name"}'})
        connection.execute(insert, {**ids, "id": 2, "mapping": None})
    db.session.remove()
    upgrade()

    def statuses() -> dict[int, tuple[str, bool]]:
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, status, mapping FROM recipient_import ORDER BY id"))
            return {i: (status, mapping not in (None, "null")) for i, status, mapping in rows}

    assert statuses() == {1: ("checked", True), 2: ("mapping", False)}
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE recipient_import SET status = 'queued' WHERE id = 1"))
    downgrade(revision="0019")
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, mapping FROM recipient_import ORDER BY id")).all()
    assert [(i, m in (None, "null")) for i, m in rows] == [(1, True), (2, True)]
    upgrade()
    assert schema_differences() == []


def test_0025_refuses_days_off_that_end_before_they_start(bare_app):
    upgrade()
    maker = MakerFactory().id
    backwards = text(
        "INSERT INTO maker_day_off (maker_id, first_day, last_day, note) VALUES (:m, '2031-05-09', '2031-05-02', '')"
    )
    with pytest.raises(IntegrityError):
        db.session.execute(backwards, {"m": maker})
    db.session.remove()
    downgrade(revision="0024")
    assert "maker_day_off" not in left_behind().get("tables", [])
    upgrade()
