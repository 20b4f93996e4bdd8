"""Two web processes and two workers, as on separate machines, sharing only PostgreSQL, Redis and
object storage: a design walks from submit to order across them.

Each process has its own instance folder and its own ``STORAGE_DIR`` (its "disk"): a file one
of them wrote to a disk instead of the bucket could not be served by another, and the walk fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
import redis
from sqlalchemy import create_engine, text

from bench.soak import Buyer
from tests.e2e.conftest import ROOT, free_port, stop, wait_for
from tests.services import private_database, require_postgres, require_redis, s3_server

pytestmark = [pytest.mark.slow]


def machine(shared: dict[str, str], tmp_path: Path, name: str) -> dict[str, str]:
    disk = tmp_path / name
    return {
        **{k: v for k, v in os.environ.items() if k not in ("CELERY_EAGER", "PORT")},
        **shared,
        "INSTANCE_PATH": str(disk / "instance"),
        "STORAGE_DIR": str(disk / "files"),
    }


def run(env: dict[str, str], *argv: str, log: Path) -> subprocess.Popen:
    with open(log, "ab") as handle:
        return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)


def wait_until(what: str, check, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def test_a_design_walks_to_an_order_across_two_webs_and_two_workers(tmp_path):
    redis_url = require_redis()
    redis.Redis.from_url(redis_url).flushdb()
    with private_database(require_postgres()) as database_url, s3_server() as endpoint:
        bucket = "goh-scale-out"
        keys = {"aws_access_key_id": "k", "aws_secret_access_key": "s", "region_name": "us-east-1"}
        boto3.client("s3", endpoint_url=endpoint, **keys).create_bucket(Bucket=bucket)
        shared = {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "scale-out-test-secret",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": endpoint,
            "S3_ACCESS_KEY_ID": "k",
            "S3_SECRET_ACCESS_KEY": "s",
            "PUBLIC_URL": "http://127.0.0.1",
            "PROOF_RECONCILE_SECONDS": "2",
            "BEAT_LOCK_SECONDS": "6",
        }
        first = machine(shared, tmp_path, "web-a")
        flask = [sys.executable, "-m", "flask", "--app", "app"]
        for command in (("db", "upgrade"), ("seed",)):
            subprocess.run([*flask, *command], cwd=ROOT, env=first, check=True, capture_output=True)

        processes: list[subprocess.Popen] = []
        try:
            webs = []
            for name in ("web-a", "web-b"):
                port = free_port()
                env = machine(shared, tmp_path, name)
                gunicorn = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}"]
                processes.append(run(env, *gunicorn, "app:create_app()", log=tmp_path / f"{name}.log"))
                webs.append(f"http://127.0.0.1:{port}")
            for name in ("worker-a", "worker-b"):
                celery = [sys.executable, "-m", "celery", "-A", "worker", "worker", "--beat"]
                worker = [*celery, "--concurrency=1", "--loglevel=WARNING", "-n", f"{name}@%h"]
                processes.append(run(machine(shared, tmp_path, name), *worker, log=tmp_path / f"{name}.log"))
            for web in webs:
                wait_for(f"{web}/healthz", timeout=120)  # 200 only once a worker's heartbeat is fresh

            buyer_a, buyer_b = Buyer(webs[0]), Buyer(webs[1])
            buyer_b.opener = buyer_a.opener  # one browser: its session cookie works on either web
            buyer_a.log_in()
            design_id = buyer_a.submit_proof(1)
            proof = wait_until(
                "the proof", lambda: (p := buyer_b.proof(design_id))["status"] == "ready" and p
            )
            assert buyer_b.fetch(proof["pdf"]).startswith(b"%PDF")
            assert buyer_a.fetch(proof["png"]).startswith(b"\x89PNG")
            assert buyer_b.decide(design_id, proof)[0] == 302

            staff = Buyer(webs[0])
            staff.log_in("staff@giftsofhope.test", "demo-staff")
            status, location = staff.decide(design_id, proof)
            assert status == 302 and "/orders/" in location, location

            engine = create_engine(database_url)
            with engine.connect() as connection:
                (order,) = connection.execute(
                    text('SELECT status FROM "order" WHERE design_id = :d'), {"d": design_id}
                )
                workers_seen = connection.execute(
                    text("SELECT count(DISTINCT pid) FROM worker_heartbeat")
                ).scalar()
            engine.dispose()
            assert order.status == "confirmed" and workers_seen == 2
            # Nothing landed on any process's own disk: every file is in the bucket.
            assert not list(tmp_path.glob("*/files/**/*.pdf")) and not list(tmp_path.glob("*/files/**/*.png"))
            listed = boto3.client("s3", endpoint_url=endpoint, **keys).list_objects_v2(Bucket=bucket)
            assert {o["Key"].rsplit(".", 1)[-1] for o in listed["Contents"]} >= {"pdf", "png"}
        finally:
            for process in processes:
                stop(process)
