"""Real Celery worker processes on the real Redis: a proof goes from queued to ready, once,
even when a worker is killed in the middle of rendering it (its lease lapses, the reconciler
queues it again)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from PIL import Image
from pypdf import PdfReader

from tests.e2e.conftest import ROOT, stop
from tests.services import require_redis

pytestmark = [pytest.mark.redis, pytest.mark.slow]

MESSAGE = "Happy holidays from all of us at Acme — thank you!"


@pytest.fixture
def worker_env(tmp_path):
    redis_url = require_redis()
    redis.Redis.from_url(redis_url).flushdb()  # a private database number: no stale messages
    return {
        **{k: v for k, v in os.environ.items() if k not in ("CELERY_EAGER",)},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "STORAGE_DIR": str(tmp_path / "files"),
        # Short leases and a busy reconciler, so a killed render is retried within seconds.
        "PROOF_LEASE_SECONDS": "3",
        "PROOF_RECONCILE_SECONDS": "1",
    }


@pytest.fixture
def app(worker_env, monkeypatch):
    for key, value in worker_env.items():
        monkeypatch.setenv(key, value)
    from flask_migrate import upgrade

    from app import create_app

    flask_app = create_app()
    with flask_app.app_context():
        upgrade()
        yield flask_app


def submitted_proof(**changes):
    """A buyer's classic design with ``changes`` to its spec, submitted: proof v1, queued."""
    from app.services import designs
    from configurator.spec import BoxSpec
    from tests.app.factories import UserFactory

    buyer = UserFactory()
    design = designs.create_from_classic(buyer, "cosy-winter")
    spec = BoxSpec.from_dict(design.spec).replace(
        **{"message": MESSAGE, "sign_off": "Acme", "quantity": 20} | changes
    )
    designs.commit_spec(design, spec)
    proof = designs.submit(design, buyer, design.revision)
    assert proof.status == "queued"
    return proof


def store_logo(png: bytes) -> str:
    """Put a normalised logo where the branding service reads it; returns its id."""
    from app.storage import storage

    sha = hashlib.sha256(png).hexdigest()
    storage().put(f"logos/{sha}.png", png)
    return sha


def big_logo_png(side: int = 6000) -> bytes:
    """A large logo that takes a noticeable moment to decode (a soft gradient with a mark)."""
    ramp = Image.linear_gradient("L").resize((side, side))
    img = Image.merge("RGBA", (ramp, ramp.rotate(90), ramp.rotate(180), Image.new("L", (side, side), 255)))
    out = io.BytesIO()
    img.save(out, "PNG", compress_level=1)
    return out.getvalue()


def start_worker(env: dict[str, str], log: Path, *options: str, app: str = "worker") -> subprocess.Popen:
    """A solo worker process; ``options`` such as ``--beat`` go to ``celery worker``."""
    with open(log, "ab") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                app,
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                *options,
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def wait_for_status(proof_id: int, statuses: tuple[str, ...], timeout: float = 90, poll: float = 0.05):
    from app.extensions import db
    from app.models import Proof

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        proof = db.session.get(Proof, proof_id)
        if proof.status in statuses:
            return proof
        db.session.rollback()
        time.sleep(poll)
    raise AssertionError(f"proof {proof_id} is {proof.status}, not {statuses}, after {timeout} s")


def assert_sentence(reason: str | None) -> None:
    """A failure reason people read: a sentence, no exception class, no SQL, no traceback."""
    assert reason and reason[0].isupper() and reason.rstrip().endswith("."), reason
    assert not re.search(
        r"\b\w*(Error|Exception)\b|Traceback|SELECT|UPDATE|INSERT|\(psycopg|sqlite3", reason
    ), reason


def render_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "renders").glob("*") if not p.name.startswith("."))


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


@contextmanager
def killed_worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A worker whose renders hold (``tests.e2e.held_worker``), killed with SIGKILL as the block ends."""
    worker = start_worker(env, log, app="tests.e2e.held_worker")
    try:
        yield worker
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            stop(worker)


def wait_until(condition, timeout: float = 90, poll: float = 0.05, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(poll)
    raise AssertionError(f"{what} did not happen within {timeout} s")


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
