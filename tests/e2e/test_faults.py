"""Fault injection with real processes: Redis down when a proof is submitted, then back."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import redis

from tests.e2e.conftest import ROOT, free_port, stop
from tests.services import require_tool

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def start_redis(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            require_tool("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return server
        except redis.ConnectionError:
            time.sleep(0.05)
    stop(server)
    raise TimeoutError("redis-server did not start")


def test_a_proof_submitted_while_redis_is_down_renders_once_redis_is_back(tmp_path, monkeypatch):
    port = free_port()  # a private Redis, so the shared one is never disturbed
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'faults.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "STORAGE_DIR": str(tmp_path / "files"),
        "PROOF_STUCK_SECONDS": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CELERY_EAGER", raising=False)
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Proof
    from app.services import designs, proofs
    from configurator.spec import BoxSpec
    from tests.app.factories import UserFactory

    app = create_app()
    with app.app_context():
        upgrade()
        buyer = UserFactory()
        design = designs.create_from_classic(buyer, "little-thanks")
        spec = design.spec | {"message": "Sent while the broker was down"}
        designs.commit_spec(design, BoxSpec.from_dict(spec))
        proof = designs.submit(design, buyer, design.revision)

        proofs.enqueue_render(proof.id)  # Redis is down: logged, not raised; the row is safe
        health = app.test_client().get("/healthz")
        assert health.status_code == 503 and health.get_json()["broker"].startswith("error")
        db.session.expire_all()
        assert db.session.get(Proof, proof.id).status == "queued"

        server = start_redis(port)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", "worker", "--pool=solo", "--loglevel=WARNING"],
            cwd=ROOT,
            env={**os.environ, **env},
        )
        try:
            assert app.test_client().get("/healthz").get_json()["broker"] == "ok"
            time.sleep(1.1)  # older than PROOF_STUCK_SECONDS: the reconciler's business now
            assert proofs.requeue_stuck() == [proof.id]
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                db.session.expire_all()
                if db.session.get(Proof, proof.id).status in ("ready", "failed"):
                    break
                time.sleep(0.2)
        finally:
            stop(worker)
            stop(server)
        finished = db.session.get(Proof, proof.id)
        assert finished.status == "ready", finished.failure_reason
        assert finished.attempts == 1  # rendered once, by the message the reconciler sent
