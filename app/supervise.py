"""What ``flask serve`` runs beside the web server: a private redis-server and a Celery worker,
each restarted with backoff when it exits, all stopped together.

Each child runs in its own process group, so Ctrl-C in the terminal reaches only ``serve``, which
then stops the worker before the broker it talks to, and so a worker that dies leaves no pool
process or embedded beat behind (the whole group is cleaned up before the restart).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis

FIRST_DELAY = 1.0
"""Seconds before the first restart of a child that exited; doubled on each further exit."""
MAX_DELAY = 30.0
STEADY_SECONDS = 60.0
"""A child that ran this long before exiting is restarted after FIRST_DELAY again."""
STOP_SECONDS = 20.0
"""How long a child may take to stop on SIGTERM before it is killed."""
SOCKET_PATH_MAX = 100
"""Unix socket paths longer than this (107 bytes on Linux, less elsewhere) cannot be bound."""


class CannotStart(RuntimeError):
    """Something ``serve`` needs is missing or taken; the message is one line for a person."""


def log_line(text: str) -> None:
    """One line on stderr with a UTC time stamp, so a restart is easy to find in a log."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    print(f"[{stamp}] serve: {text}", file=sys.stderr, flush=True)


def listen(host: str, port: int) -> socket.socket:
    """Bind the web server's socket before anything else starts, or say in one line why not."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        problem = (
            "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be opened ({exc.strerror})"
        )
        raise CannotStart(
            f"Port {port} on {host} {problem}; stop the other program or choose another with PORT=… or --port."
        ) from None
    sock.listen(1024)
    return sock


@dataclass
class Child:
    """A process ``serve`` keeps running: restarted with backoff whenever it exits."""

    name: str
    argv: Sequence[str]
    env: dict[str, str] | None = None
    ready: Callable[[], bool] | None = None
    """Answers True once the child serves; ``start`` waits for it."""
    process: subprocess.Popen | None = None
    started: float = 0.0
    delay: float = FIRST_DELAY
    restart_at: float | None = None
    restarts: int = 0

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, env=self.env, process_group=0)  # noqa: S603 - fixed argv
        self.started = time.monotonic()
        self.restart_at = None
        if self.ready is not None:
            deadline = time.monotonic() + 10
            while not self.ready():
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise CannotStart(f"The {self.name} did not start; see its output above.")
                time.sleep(0.05)
        log_line(f"{self.name} started (pid {self.process.pid})")

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def schedule_restart(self) -> None:
        """Log the exit in one line and pick the moment of the restart (backoff)."""
        assert self.process is not None
        ran = time.monotonic() - self.started
        if ran >= STEADY_SECONDS:
            self.delay = FIRST_DELAY
        self.restarts += 1
        self._kill_group()
        log_line(
            f"{self.name} (pid {self.process.pid}) exited with code {self.process.returncode} after "
            f"{ran:.0f} s; restart {self.restarts} in {self.delay:.0f} s"
        )
        self.restart_at = time.monotonic() + self.delay
        self.delay = min(self.delay * 2, MAX_DELAY)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after STOP_SECONDS; nothing of its process group survives."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._kill_group()

    def _kill_group(self) -> None:
        """Pool processes and the embedded beat of a dead worker would otherwise live on."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


class Supervisor:
    """Starts children in order, restarts any that exits, stops them in reverse order."""

    def __init__(self, children: Sequence[Child]) -> None:
        self.children = list(children)
        self.stopping = threading.Event()
        self.watcher = threading.Thread(target=self._watch, name="serve-supervisor", daemon=True)

    def start(self) -> None:
        """Start every child in order; on failure (or Ctrl-C meanwhile) the caller's ``stop`` cleans up."""
        for child in self.children:
            child.start()
        self.watcher.start()

    def _watch(self) -> None:
        while not self.stopping.wait(0.2):
            for child in self.children:
                if child.restart_at is None and child.exited() is not None:
                    child.schedule_restart()
                if child.restart_at is not None and time.monotonic() >= child.restart_at:
                    try:
                        child.start()
                    except (CannotStart, OSError) as exc:
                        log_line(str(exc))
                        child.schedule_restart()

    def stop(self) -> None:
        self.stopping.set()
        if self.watcher.is_alive():
            self.watcher.join()
        for child in reversed(self.children):
            child.stop()


def private_redis(socket_path: Path) -> Child:
    """A redis-server for this instance only: a Unix socket, no TCP port, nothing saved to disk."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise CannotStart(
            "redis-server is not installed: run `make system-deps` (Debian package redis-server), "
            "or set REDIS_URL to a Redis of your own."
        )
    if len(str(socket_path)) > SOCKET_PATH_MAX:
        raise CannotStart(
            f"The instance folder's path is too long for a Unix socket ({socket_path}); "
            "set INSTANCE_PATH to a shorter folder or REDIS_URL to a Redis of your own."
        )
    argv = [executable, "--port", "0", "--unixsocket", str(socket_path), "--unixsocketperm", "700"]
    argv += ["--save", "", "--appendonly", "no", "--dir", str(socket_path.parent), "--loglevel", "warning"]
    return Child(name="private redis-server", argv=argv, ready=lambda: _answers(socket_path))


def _answers(socket_path: Path) -> bool:
    """True when a Redis on ``socket_path`` replies to PING."""
    try:
        with redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1) as client:
            return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False
