"""Real Celery worker processes on the real Redis: a proof goes from queued to ready, once,
even when a worker is killed in the middle of rendering it (its lease lapses, the reconciler
queues it again)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
import redis
from PIL import Image
from pypdf import PdfReader

from tests.e2e.conftest import stop
from tests.e2e.workers import (
    MESSAGE,
    killed_worker,
    render_files,
    start_worker,
    submitted_proof,
    wait_for_status,
    wait_until,
)

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def test_worker_renders_a_submitted_proof(app, worker_env, tmp_path):
    from app.services import proofs
    from app.storage import storage

    proof = submitted_proof()
    worker = start_worker(worker_env, tmp_path / "worker.log")
    try:
        proof = wait_for_status(proof.id, ("ready", "failed"))  # submit sent it when it committed
    finally:
        stop(worker)

    assert proof.status == "ready", proof.failure_reason
    pdf = storage().get(proofs.file_key(proof, "pdf"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert MESSAGE in " ".join(text.split())
    png = Image.open(io.BytesIO(storage().get(proofs.file_key(proof, "png"))))
    assert png.size == (1600, 1200)


def broker_drained(redis_url: str) -> bool:
    """Every message was delivered and acknowledged: nothing waits in the queue or unacked."""
    client = redis.Redis.from_url(redis_url)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def test_the_broker_holds_a_render_only_once_its_transaction_committed(app, worker_env):
    """On the real Redis, no worker: what a transaction asked for is in the queue after its commit only."""
    from app.background import send_after_commit
    from app.extensions import db
    from app.services import proofs

    queue = redis.Redis.from_url(worker_env["REDIS_URL"])
    db.session.execute(db.select(1))
    send_after_commit(proofs.RENDER_TASK_NAME, 1)
    db.session.rollback()
    db.session.execute(db.select(1))
    send_after_commit(proofs.RENDER_TASK_NAME, 2)
    assert queue.llen("celery") == 0
    db.session.commit()
    assert queue.llen("celery") == 1
    [message] = queue.lrange("celery", 0, -1)
    headers = json.loads(message)["headers"]
    assert (headers["task"], headers["argsrepr"]) == (proofs.RENDER_TASK_NAME, "(2,)")


def test_duplicate_deliveries_make_one_version_and_one_set_of_files(app, worker_env, tmp_path):
    from app.extensions import db
    from app.models import Proof
    from app.services import proofs

    proof = submitted_proof()  # sent once by the submit, twice more here: a retry, a redelivery
    for _ in range(2):
        proofs.enqueue_render(proof.id)
    worker = start_worker(worker_env, tmp_path / "worker.log")
    try:
        proof = wait_for_status(proof.id, ("ready", "failed"))
        # The duplicates arrived and were acknowledged, having done nothing.
        wait_until(lambda: broker_drained(worker_env["REDIS_URL"]), what="all three deliveries")
    finally:
        stop(worker)
    db.session.expire_all()
    proof = db.session.get(Proof, proof.id)
    assert proof.status == "ready", proof.failure_reason
    assert proof.attempts == 1
    versions = db.session.scalars(db.select(Proof.version).where(Proof.design_id == proof.design_id)).all()
    assert versions == [1]
    assert [p.suffix for p in render_files(Path(worker_env["STORAGE_DIR"]))] == [".pdf", ".png"]


def test_a_worker_killed_mid_render_delays_the_proof_but_never_loses_it(app, worker_env, tmp_path):
    from app.models import utcnow

    proof = submitted_proof()
    marker = tmp_path / "drawing"
    held = {**worker_env, "HELD_RENDER_MARKER": str(marker), "PROOF_RENDER_SECONDS": "600"}
    with killed_worker(held, tmp_path / "first.log"):
        wait_until(marker.exists, what="the render starting to draw")
        lease = wait_for_status(proof.id, ("rendering",)).lease_expires_at
        assert lease > utcnow()  # a live lease...
        renewed = wait_until(lambda: wait_for_status(proof.id, ("rendering",)).lease_expires_at > lease)
        assert renewed, "...that its worker renews while it draws"
    killed = time.monotonic()
    assert render_files(Path(worker_env["STORAGE_DIR"])) == []

    second = start_worker(worker_env, tmp_path / "second.log", "--beat")  # beat runs the reconciler
    try:
        proof = wait_for_status(proof.id, ("ready", "failed"))
    finally:
        stop(second)
    lease, period = worker_env["PROOF_LEASE_SECONDS"], worker_env["PROOF_RECONCILE_SECONDS"]
    print(
        f"ready {time.monotonic() - killed:.1f} s after the kill (lease {lease} s, reconciler every {period} s)"
    )
    assert proof.status == "ready", proof.failure_reason
    # Two renders started; the one lost with its worker is counted apart and failed nothing.
    assert (proof.attempts, proof.lost_attempts, proof.failure_reason) == (2, 1, None)
    assert len(render_files(Path(worker_env["STORAGE_DIR"]))) == 2
