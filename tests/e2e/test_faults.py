"""Fault injection with real processes: Redis down when a proof is submitted, then back; the
database's connections killed again and again while proofs render."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

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
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CELERY_EAGER", raising=False)
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Proof, utcnow
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
        # Redis is down: the submit's send of the render is logged, not raised; the row is safe.
        proof = designs.submit(design, buyer, design.revision)
        health = app.test_client().get("/healthz")
        assert health.status_code == 503 and health.get_json()["broker"] == "unreachable"
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
            # Queued past PROOF_RESEND_SECONDS (set in the row, not waited for): the reconciler's now.
            long_ago = utcnow() - timedelta(seconds=app.config["PROOF_RESEND_SECONDS"] + 1)
            db.session.execute(db.update(Proof).where(Proof.id == proof.id).values(updated_at=long_ago))
            db.session.commit()
            assert proofs.reconcile() == [proof.id]
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


def _terminate_connections_until(stop_event, database: str, admin_url: str, kills: list[int]) -> None:
    """Kill every connection to ``database`` (web, worker, test) every 50 ms until told to stop."""
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            while not stop_event.wait(0.05):
                killed = connection.execute(
                    text(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": database},
                ).scalar_one()
                kills.append(killed)
    finally:
        admin.dispose()


def _statuses(ids: list[int], column: str | None = None) -> dict[int, object]:
    """(status, failure reason) of each proof, or one ``column``, read through a connection that
    may just have been killed (then read again)."""
    from sqlalchemy.exc import DBAPIError

    from app.extensions import db
    from app.models import Proof

    columns = (getattr(Proof, column),) if column else (Proof.status, Proof.failure_reason)
    while True:
        try:
            rows = db.session.execute(db.select(Proof.id, *columns).where(Proof.id.in_(ids))).all()
            db.session.rollback()
            return {row[0]: row[1] if column else tuple(row[1:]) for row in rows}
        except DBAPIError:
            db.session.rollback()


def test_proofs_render_while_database_connections_are_killed(tmp_path, monkeypatch):
    """30 s of `pg_terminate_backend` on every connection while proofs render: every proof ends ready."""
    import threading

    from flask_migrate import upgrade
    from sqlalchemy import make_url

    from app import create_app
    from tests.e2e.workers import start_worker, submitted_proof
    from tests.services import private_database, require_postgres, require_redis

    redis_url = require_redis()
    redis.Redis.from_url(redis_url).flushdb()
    with private_database(require_postgres()) as url:
        env = {
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "STORAGE_DIR": str(tmp_path / "files"),
            "PROOF_LEASE_SECONDS": "6",
            "PROOF_RECONCILE_SECONDS": "2",
            "PROOF_RESEND_SECONDS": "10",
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("CELERY_EAGER", raising=False)
        app = create_app()
        with app.app_context():
            upgrade()

            ids = [submitted_proof(message=f"Thank you, team {n}!").id for n in range(N_PROOFS)]
            worker = start_worker({**os.environ, **env}, tmp_path / "worker.log", "--beat")
            stop_killing, kills = threading.Event(), []
            killer = threading.Thread(
                target=_terminate_connections_until,
                args=(stop_killing, make_url(url).database, make_url(url).set(database="postgres"), kills),
            )
            try:  # each submit sent its render when it committed
                while all(status == "queued" for status, _ in _statuses(ids).values()):
                    time.sleep(0.1)  # the worker has warmed up and taken the first proof
                killer.start()
                started = time.monotonic()
                while time.monotonic() - started < 30:  # faults for a bounded time, then let it heal
                    time.sleep(0.5)
                stop_killing.set()
                killer.join()
                deadline = time.monotonic() + 240
                while time.monotonic() < deadline:
                    states = _statuses(ids)
                    if all(status in ("ready", "failed") for status, _ in states.values()):
                        break
                    time.sleep(0.5)
            finally:
                stop_killing.set()
                if killer.is_alive():
                    killer.join()
                stop(worker)
            from app.extensions import db

            # Close the session's and the pool's connections (some killed) now, not whenever a
            # later test happens to collect them.
            db.session.remove()
            db.engine.dispose()
            counts = Counter(status for status, _ in states.values())
            reasons = [reason for _, reason in states.values() if reason]
            renders = _statuses(ids, "attempts")
            print(
                f"connections killed: {sum(kills)} in {len(kills)} rounds; proofs: {dict(counts)}; "
                f"renders started: {sum(renders.values())}; reasons: {reasons}"
            )
            assert counts == {"ready": N_PROOFS}, (counts, reasons)
            assert reasons == []


N_PROOFS = 25
