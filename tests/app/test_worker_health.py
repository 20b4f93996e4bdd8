"""Worker heartbeats: /healthz, the staff banner and the buyer's proof text tell whether a worker
is alive, so a dead worker is never hidden behind "a few seconds"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Proof, WorkerHeartbeat, utcnow
from app.services import designs, workers
from configurator.spec import BoxSpec
from tests.app.factories import StaffFactory, UserFactory, WorkerHeartbeatFactory
from tests.app.journeys import start_classic, submit, write_card

LATE = "Taking longer than usual — we are on it"
BANNER = "No background worker is running"


@pytest.fixture(autouse=True)
def _real_workers(app, monkeypatch):
    """These tests are about separate worker processes, not tasks run inside the request."""
    monkeypatch.setitem(app.extensions["celery"].conf, "task_always_eager", False)


def heartbeat(seconds_ago: float, pid: int = 4242) -> None:
    seen = utcnow() - timedelta(seconds=seconds_ago)
    WorkerHeartbeatFactory(pid=pid, started_at=seen, last_seen=seen)


def queued_proof(buyer, submitted_seconds_ago: float = 0) -> Proof:
    """A submitted design whose proof no worker has picked up yet."""
    design = designs.create_from_classic(buyer, "little-thanks")
    designs.commit_spec(design, BoxSpec.from_dict(design.spec).replace(message="Thank you!"))
    proof = designs.submit(design, buyer, design.revision)
    proof.created_at = utcnow() - timedelta(seconds=submitted_seconds_ago)
    db.session.commit()
    return proof


def test_healthz_is_503_until_a_worker_was_seen(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["worker"] == "never seen"
    assert response.get_json()["worker_last_seen_seconds_ago"] is None


def test_healthz_is_503_when_the_newest_heartbeat_is_stale(client):
    heartbeat(seconds_ago=300)
    heartbeat(seconds_ago=90)
    body = client.get("/healthz")
    assert body.status_code == 503
    assert body.get_json()["worker"] == "stale"
    assert 90 <= body.get_json()["worker_last_seen_seconds_ago"] < 300  # the newest one counts


def test_healthz_is_200_with_the_age_of_a_fresh_heartbeat(client):
    heartbeat(seconds_ago=90)
    heartbeat(seconds_ago=4)
    response = client.get("/healthz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["worker"] == "ok" and body["status"] == "ok"
    assert 4 <= body["worker_last_seen_seconds_ago"] < 90


def test_the_stale_limit_is_configurable(app, client):
    heartbeat(seconds_ago=90)
    app.config["WORKER_STALE_SECONDS"] = 120
    assert client.get("/healthz").status_code == 200


@pytest.mark.real_commits  # the heartbeat writes through an engine of its own, as in a worker
def test_a_worker_renews_its_own_row_and_prunes_long_gone_ones(app):
    heartbeat(seconds_ago=2 * 24 * 3600, pid=1)
    beating = workers.Heartbeat(app, "celery@here")
    beating.beat()
    beating.beat()
    rows = db.session.scalars(db.select(WorkerHeartbeat)).all()
    assert [(r.name, r.id) for r in rows] == [("celery@here", beating.row_id)]
    assert rows[0].last_seen > rows[0].started_at  # the second beat renewed the same row
    assert workers.state().alive


def test_staff_pages_show_a_banner_while_no_worker_is_alive(browser):
    staff = StaffFactory()
    browser.login(staff.email)
    assert BANNER in browser.get("/staff/").text
    heartbeat(seconds_ago=200)
    assert BANNER in browser.get("/staff/orders").text
    heartbeat(seconds_ago=1)
    assert BANNER not in browser.get("/staff/").text


def test_a_buyer_never_sees_the_banner(browser):
    buyer = UserFactory()
    browser.login(buyer.email)
    assert BANNER not in browser.get("/designs").text


def test_a_fresh_proof_with_a_live_worker_is_simply_being_drawn(browser):
    heartbeat(seconds_ago=1)
    buyer = UserFactory()
    proof = queued_proof(buyer)
    browser.login(buyer.email)
    state = browser.get(f"/designs/{proof.design_id}/status.json").get_json()["proof"]
    assert not state["late"] and "longer than usual" not in state["text"]
    assert "longer than usual" not in browser.get(f"/designs/{proof.design_id}").text


@pytest.mark.parametrize(("submitted", "worker_seen"), [(120, 1), (1, None), (1, 600)])
def test_a_proof_that_waits_longer_than_usual_says_so(browser, submitted, worker_seen):
    """Waited past the usual time, or nobody is there to draw it: no promise of seconds."""
    if worker_seen is not None:
        heartbeat(seconds_ago=worker_seen)
    buyer = UserFactory()
    proof = queued_proof(buyer, submitted_seconds_ago=submitted)
    browser.login(buyer.email)
    state = browser.get(f"/designs/{proof.design_id}/status.json").get_json()["proof"]
    assert state["late"] and state["text"] == f"{LATE}."
    assert LATE in browser.get(f"/designs/{proof.design_id}").text
    review = browser.get(f"/designs/{proof.design_id}/review").text
    assert f"Proof v1 is {LATE.lower()}." in review
    assert "few seconds" not in review


def test_submitting_while_no_worker_is_alive_promises_no_seconds(browser):
    buyer = UserFactory()
    browser.login(buyer.email)
    design_id = start_classic(browser)
    write_card(browser, design_id, "Thank you!")
    assert submit(browser, design_id).status_code == 302
    page = browser.get(f"/designs/{design_id}").text  # where the buyer lands, with the message
    assert f"Submitted. Proof v1 is {LATE.lower()}." in page
    assert "few seconds" not in page
