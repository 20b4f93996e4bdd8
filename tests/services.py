"""Finding the real services the tests need, and saying clearly when one is missing.

Locally a missing PostgreSQL, Redis or Chromium skips its tests with the reason; with
REQUIRE_SERVICES=1 (set by .ci/run) it fails them instead, so CI cannot go green by skipping.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def missing(reason: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def require_postgres() -> str:
    if not reachable(POSTGRES_URL, 5432):
        missing(f"PostgreSQL not reachable at {POSTGRES_URL} (set TEST_DATABASE_URL)")
    return POSTGRES_URL


def require_redis() -> str:
    if not reachable(REDIS_URL, 6379):
        missing(f"Redis not reachable at {REDIS_URL} (set TEST_REDIS_URL)")
    return REDIS_URL


CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed: without these Chromium keeps trying to reach Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Flags for Debian's Chromium run headless as root here (tests and the benchmark's baseline)."""


def require_chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        missing("Debian's chromium is not installed (apt-get install chromium)")
    return path


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        missing(f"{name} is not installed (apt-get install poppler-utils qpdf)")
    return path


_databases = itertools.count()


@contextlib.contextmanager
def private_database(url: str) -> Iterator[str]:
    """A fresh PostgreSQL database beside ``url`` for one test session, dropped afterwards.

    Test runs started at the same time (two developers, CI and a benchmark) then never
    see or lock each other's tables.
    """
    from sqlalchemy import create_engine, make_url, text

    base = make_url(url)
    name = f"{base.database}_goh_{os.getpid()}_{next(_databases)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def s3_server() -> Iterator[str]:
    """A real S3-protocol server (moto's standalone server) on a free port: its endpoint URL.

    boto3 then talks real HTTP to it, signing, retries and error parsing included.
    """
    import subprocess
    import sys
    import time

    try:
        import moto.server  # noqa: F401
    except ImportError:
        missing("moto's S3 server is not installed (pip install -r requirements-dev.txt)")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not reachable(url, port):
            if process.poll() is not None or time.monotonic() > deadline:
                missing("moto's S3 server did not start")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
