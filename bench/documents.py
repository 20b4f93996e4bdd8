"""The approval-record request under a little concurrency: ``python -m bench.documents [--before REV]``.

Starts gunicorn (2 workers x 4 threads, as a small production web server) on a seeded SQLite
database in a temporary folder, logs in as the buyer and sends rounds of 8 simultaneous GETs
of ``/orders/<id>/approval-record.pdf``: once for an order whose record is ready, once for an
order whose record the worker has not made yet. ``--before REV`` measures the same on a
``git archive`` of REV (for example the commit before documents moved to the worker), where
the request lays the PDF out itself. No worker runs: the figures are the web server's alone.
Uses ``BENCH_REDIS_URL`` (default Redis database 13) as the broker, flushed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.run import REDIS_URL

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 8

SEED = r"""
import json, sys
from flask_migrate import upgrade
from sqlalchemy import select
from app import create_app
from app.extensions import db
from app.models import Order
from app.services import reviews
from tests.app.factories import DesignFactory, StaffFactory, UserFactory, ready_proof

app = create_app()
with app.app_context():
    upgrade()
    buyer = UserFactory()
    staff = StaffFactory()
    ids = []
    for n in range(2):
        design = DesignFactory(created_by=buyer, name=f"Bench box {n}")
        proof = ready_proof(design, message=f"Welcome to the team (#{n})")
        reviews.decide(buyer, proof, 1, "approve", "Looks lovely")
        reviews.decide(staff, proof, 1, "approve", "")
        ids.append(db.session.scalar(select(Order.id).where(Order.design_id == design.id)))
    try:
        from app.models import Document
        from app.services import documents
    except ImportError:
        pass  # the version that renders in the request
    else:
        # The worker's part, done here once: the first order's record is ready, the second's waits.
        first = documents.approval_record(db.session.get(Order, ids[0]))
        documents.render(first.id)
    print(json.dumps({"orders": ids, "email": buyer.email}))
"""


def _env(folder: Path, root: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("CELERY_EAGER", "DATABASE_URL")},
        "PYTHONPATH": str(root),
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "INSTANCE_PATH": str(folder / "instance"),
        "STORAGE_DIR": str(folder / "files"),
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """A logged-in buyer: one cookie jar shared by the request threads."""

    def __init__(self, base: str, email: str) -> None:
        from tests.app.factories import PASSWORD

        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.opener.open(f"{base}/login", timeout=30).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
        self.opener.open(f"{base}/login", data=form, timeout=30).read()

    def get(self, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            with self.opener.open(f"{self.base}{path}", timeout=300) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        return status, time.perf_counter() - started


def _round(session: Session, path: str) -> list[tuple[int, float]]:
    barrier = threading.Barrier(CONCURRENCY)
    results: list[tuple[int, float]] = []

    def one() -> None:
        barrier.wait()
        results.append(session.get(path))

    threads = [threading.Thread(target=one) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def measure(root: Path, label: str, rounds: int) -> dict[str, list[tuple[int, float]]]:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    out: dict[str, list[tuple[int, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="goh-bench-docs-") as tmp:
        folder = Path(tmp)
        env = _env(folder, root)
        seeded = subprocess.run(
            [sys.executable, "-c", SEED], cwd=root, env=env, capture_output=True, text=True, check=False
        )
        if seeded.returncode:
            raise RuntimeError(seeded.stderr[-3000:])
        facts = json.loads(seeded.stdout.strip().splitlines()[-1])
        port = _free_port()
        log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "--timeout", "300",
             "-b", f"127.0.0.1:{port}", "app:create_app()"],
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            from tests.e2e.conftest import wait_for

            wait_for(f"{base}/healthz")
            session = Session(base, facts["email"])
            ready, waiting = facts["orders"]
            cases = {"record ready": ready, "record not made yet": waiting}
            for case, order_id in cases.items():
                path = f"/orders/{order_id}/approval-record.pdf"
                session.get(path)  # warm the process (imports, first layout)
                out[case] = [r for _ in range(rounds) for r in _round(session, path)]
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    print(f"\n{label}: {rounds} rounds of {CONCURRENCY} simultaneous GETs of the approval record")
    for case, results in out.items():
        times = sorted(t * 1000 for _, t in results)
        statuses = sorted({s for s, _ in results})
        print(
            f"  {case:<22} median {statistics.median(times):9.1f} ms   max {times[-1]:9.1f} ms"
            f"   statuses {statuses}"
        )
    return out


def _archive(rev: str, into: Path) -> Path:
    archive = into / "src.tar"
    subprocess.run(["git", "archive", "-o", str(archive), rev], cwd=ROOT, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "src", filter="data")
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="also measure this git revision (the request renders there)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.before:
        with tempfile.TemporaryDirectory(prefix="goh-bench-before-") as tmp:
            measure(_archive(args.before, Path(tmp)), f"before ({args.before})", args.rounds)
    measure(ROOT, "now (served from storage)", args.rounds)


if __name__ == "__main__":
    main()
