"""Celery worker processes for the e2e tests: a submitted proof for them, starting and killing
them, and waiting for what they do."""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from tests.e2e.conftest import ROOT, stop

MESSAGE = "Happy holidays from all of us at Acme — thank you!"


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
