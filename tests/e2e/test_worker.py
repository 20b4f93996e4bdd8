"""A real Celery worker process on the real Redis renders a proof from queued to ready."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

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
    }


def test_worker_renders_a_submitted_proof(worker_env, monkeypatch):
    for key, value in worker_env.items():
        monkeypatch.setenv(key, value)
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Proof
    from app.services import designs, proofs
    from app.storage import storage
    from tests.app.factories import UserFactory

    app = create_app()
    with app.app_context():
        upgrade()
        buyer = UserFactory()
        design = designs.create_from_classic(buyer, "cosy-winter")
        designs.update_card(design, buyer, design.revision, MESSAGE, "Acme", 20)
        proof = designs.submit(design, buyer, design.revision)
        assert proof.status == "queued"

        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", "worker", "--pool=solo", "--loglevel=WARNING"],
            cwd=ROOT,
            env=worker_env,
        )
        try:
            proofs.enqueue_render(proof.id)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                db.session.expire_all()
                proof = db.session.get(Proof, proof.id)
                if proof.status in ("ready", "failed"):
                    break
                time.sleep(0.2)
        finally:
            stop(worker)

        assert proof.status == "ready", proof.failure_reason
        pdf = storage().get(proofs.file_key(proof, "pdf"))
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert MESSAGE in " ".join(text.split())
        png = Image.open(io.BytesIO(storage().get(proofs.file_key(proof, "png"))))
        assert png.size == (1600, 1200)
