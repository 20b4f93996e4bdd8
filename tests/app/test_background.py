"""Background work asked for inside a transaction reaches the broker only when that transaction commits."""

from __future__ import annotations

import logging

import pytest
from kombu.exceptions import OperationalError

from app.background import send_after_commit
from app.extensions import db
from app.models import Proof
from app.services import designs, proofs
from configurator.spec import BoxSpec
from tests.app.factories import UserFactory

RENDER = proofs.RENDER_TASK_NAME


@pytest.fixture
def sent(app, broker) -> list[object]:
    return broker[RENDER]


def begin() -> None:
    """Open a transaction, as any query of a service does."""
    db.session.execute(db.select(1))


def test_a_task_sent_in_a_transaction_that_commits_is_delivered_once_after_the_commit(sent):
    begin()
    send_after_commit(RENDER, 7)
    assert sent == []  # not before the commit
    db.session.commit()
    assert sent == [7]
    begin()
    db.session.commit()
    assert sent == [7]  # once


def test_a_task_sent_in_a_transaction_that_rolls_back_is_never_delivered(sent):
    begin()
    send_after_commit(RENDER, 7)
    db.session.rollback()
    begin()
    db.session.commit()
    assert sent == []


def test_a_transaction_closed_without_a_commit_delivers_nothing(sent):
    begin()
    send_after_commit(RENDER, 7)
    db.session.close()
    begin()
    db.session.commit()
    assert sent == []


def test_a_savepoint_that_rolls_back_drops_only_what_was_asked_inside_it(sent):
    begin()
    send_after_commit(RENDER, 1)
    savepoint = db.session.begin_nested()
    send_after_commit(RENDER, 2)
    savepoint.rollback()
    with db.session.begin_nested():  # released: its message waits for the transaction
        send_after_commit(RENDER, 3)
    assert sent == []
    db.session.commit()
    assert sent == [1, 3]


def test_a_released_savepoint_whose_transaction_rolls_back_delivers_nothing(sent):
    begin()
    with db.session.begin_nested():
        send_after_commit(RENDER, 1)
    db.session.rollback()
    assert sent == []


def test_outside_a_transaction_a_task_is_sent_at_once(sent):
    db.session.commit()
    send_after_commit(RENDER, 7)
    assert sent == [7]


def test_an_unknown_task_is_a_programming_error_at_once(app):
    with pytest.raises(LookupError):
        send_after_commit("app.tasks.no_such_task", 1)


def test_a_broker_outage_is_logged_not_raised(app, monkeypatch, caplog):
    def broker_down(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(app.extensions["celery"].tasks[RENDER], "apply_async", broker_down)
    begin()
    send_after_commit(RENDER, 7)
    with caplog.at_level(logging.ERROR, logger="app.background"):
        db.session.commit()  # the transaction's work stands; the reconciler sends the render again
    assert "reconciler will send it again" in caplog.text


def _draft():
    buyer = UserFactory()
    design = designs.create_from_classic(buyer, "little-thanks")
    designs.commit_spec(design, BoxSpec.from_dict(design.spec).replace(message="Thank you!"))
    return buyer, design


def test_submitting_a_design_wakes_the_renderer_for_its_proof_after_the_commit(sent):
    buyer, design = _draft()
    proof = designs.submit(design, buyer, design.revision)
    assert sent == [proof.id]
    assert designs.submit(design, buyer, design.revision - 1) == proof  # a double click
    assert sent == [proof.id]


def test_a_submit_whose_commit_fails_wakes_nobody(sent, monkeypatch):
    buyer, design = _draft()

    def refused() -> None:
        db.session.rollback()
        raise designs.Conflict(designs.STALE)

    monkeypatch.setattr(designs, "commit_or_conflict", refused)
    with pytest.raises(designs.Conflict):
        designs.submit(design, buyer, design.revision)
    assert sent == [] and db.session.scalar(db.select(db.func.count()).select_from(Proof)) == 0
