"""Real processes: the app as `make run` starts it, and Celery workers on Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.services import CHROMIUM_ARGS, require_chromium, require_redis

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def running_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`flask serve` exactly as `make run` starts it: SQLite, embedded broker, worker, demo data."""
    instance = tmp_path_factory.mktemp("instance")
    port = free_port()
    # No PUBLIC_URL: `serve` must point proof and share links at its own port by itself.
    dropped = ("DATABASE_URL", "REDIS_URL", "CELERY_EAGER", "PUBLIC_URL")
    env = {k: v for k, v in os.environ.items() if k not in dropped} | {"INSTANCE_PATH": str(instance)}
    log = open(instance / "serve.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="module")
def chromium(running_app):
    """Debian's Chromium driven by Playwright (never a downloaded browser), one per test module."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS), headless=True)
        yield browser
        browser.close()


@pytest.fixture
def worker_env(tmp_path):
    """The environment of worker processes: a scratch SQLite database, the test Redis, short leases."""
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
    """The app on the worker's database, its schema migrated."""
    for key, value in worker_env.items():
        monkeypatch.setenv(key, value)
    from flask_migrate import upgrade

    from app import create_app

    flask_app = create_app()
    with flask_app.app_context():
        upgrade()
        yield flask_app
