"""Is a worker alive? Each Celery worker writes a heartbeat row; web pages and /healthz read it.

The row lives in the database, not in a process, so a web server sees workers on any machine.
A page that waits for a worker (a proof being drawn) says "taking longer than usual" instead of
promising seconds nobody can keep.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import create_engine, delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.models import Proof, WorkerHeartbeat, utcnow
from configurator.states import RenderStatus

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
"""How often a running worker renews its row; WORKER_STALE_SECONDS should be several of these."""
PROOF_LATE_SECONDS = 30
"""A proof still being drawn this long after submission is "taking longer than usual"."""
LATE_TEXT = "taking longer than usual — we are on it"
"""What a buyer reads about a late proof, instead of a promise of seconds."""
KEEP_ROWS = timedelta(days=1)
"""Rows of workers gone for longer than this are deleted when a worker starts."""


@dataclass(frozen=True)
class WorkerState:
    """The newest heartbeat as plain data: ``age_seconds`` is None when no worker was ever seen."""

    alive: bool
    age_seconds: float | None


def state() -> WorkerState:
    """Whether any worker renewed its heartbeat within WORKER_STALE_SECONDS."""
    if current_app.extensions["celery"].conf.task_always_eager:
        return WorkerState(alive=True, age_seconds=0.0)  # tasks run inside the request
    newest = db.session.scalar(select(func.max(WorkerHeartbeat.last_seen)))
    if newest is None:
        return WorkerState(alive=False, age_seconds=None)
    age = max(0.0, (utcnow() - newest).total_seconds())
    return WorkerState(alive=age <= current_app.config["WORKER_STALE_SECONDS"], age_seconds=round(age, 1))


def proof_is_late(proof: Proof, alive: bool | None = None) -> bool:
    """A proof still waiting past the usual time, or with no worker alive to draw it.

    ``alive``: whether a worker is, when the caller already asked (a list of proofs asks once).
    """
    if proof.status not in (RenderStatus.QUEUED, RenderStatus.RENDERING):
        return False
    waited = utcnow() - proof.created_at
    return waited > timedelta(seconds=PROOF_LATE_SECONDS) or not (state().alive if alive is None else alive)


class Heartbeat(threading.Thread):
    """Renews this worker's row every HEARTBEAT_SECONDS from a thread of its main process.

    It uses an engine without a pool: the main process forks pool children, and a pooled
    connection it held would be inherited (and shared) by them.
    """

    def __init__(self, app: Flask, name: str) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.node = name
        self.engine: Engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
        self.stopped = threading.Event()
        self.row_id: int | None = None

    def run(self) -> None:
        while True:
            try:
                self.beat()
            except Exception:  # a database blip: the next beat tries again
                log.exception("worker heartbeat not written; retrying in %s s", HEARTBEAT_SECONDS)
            if self.stopped.wait(HEARTBEAT_SECONDS):
                break
        self.engine.dispose()

    def beat(self) -> None:
        """Write this worker's row (a new one on the first beat), and prune long-gone workers."""
        now = utcnow()
        with self.engine.begin() as connection:
            if self.row_id is not None:
                renewed = connection.execute(
                    update(WorkerHeartbeat).where(WorkerHeartbeat.id == self.row_id).values(last_seen=now)
                )
                if renewed.rowcount == 1:
                    return
            connection.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.last_seen < now - KEEP_ROWS))
            self.row_id = connection.execute(
                insert(WorkerHeartbeat)
                .values(
                    name=self.node,
                    hostname=socket.gethostname(),
                    pid=os.getpid(),
                    started_at=now,
                    last_seen=now,
                )
                .returning(WorkerHeartbeat.id)
            ).scalar_one()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=HEARTBEAT_SECONDS)
