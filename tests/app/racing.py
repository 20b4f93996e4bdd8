"""Run actors at the same instant, each in its own thread, app context, session and connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery._state import _set_task_join_will_block, task_join_will_block
from flask import Flask

from app import create_app
from app.extensions import db

KEYS = ("TESTING", "SQLALCHEMY_DATABASE_URI", "STORAGE_DIR", "PUBLIC_URL", "SECRET_KEY", "INSTANCE_PATH")


@contextmanager
def racing_app(app: Flask, threads: int) -> Iterator[Flask]:
    """A second app on the test's database with a connection for every racing thread."""
    config = {k: app.config[k] for k in KEYS if k in app.config}
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": threads + 1, "max_overflow": 0}
    racers = create_app(config, env={"INSTANCE_PATH": app.config["INSTANCE_PATH"], "CELERY_EAGER": "1"})
    try:
        yield racers
    finally:
        with racers.app_context():
            db.engine.dispose()


def race(racers: Flask, *actors: Callable[[], object]) -> list[object]:
    """Start every actor together (a barrier); each result is its return value or the exception it raised."""
    start = threading.Barrier(len(actors), timeout=30)
    results: list[object] = [None] * len(actors)

    def run(n: int) -> None:
        with racers.app_context():
            try:
                start.wait()
                results[n] = actors[n]()
            except Exception as exc:  # the test judges every outcome
                db.session.rollback()
                results[n] = exc
            finally:
                db.session.remove()

    joins_allowed = not task_join_will_block()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(actors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(t.is_alive() for t in threads), "a racing actor hung"
    # Celery's eager tasks flag "inside a task" in one process-wide variable, set and restored
    # around each run: two actors running tasks at once can leave it set for later tests.
    _set_task_join_will_block(not joins_allowed)
    return results
