"""`flask serve` as `make run` starts it, with real processes: the private Redis broker renders
proofs, a killed worker is restarted, PORT is honoured, a taken port starts nothing, and a
minute of steady use renders every proof with the worker never exiting."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app import supervise
from bench.soak import Buyer, free_port, soak, start_serve, stop_serve, wait_healthy
from tests.services import require_tool

pytestmark = [pytest.mark.slow]


@pytest.fixture(autouse=True)
def _redis_server_installed():
    require_tool("redis-server")


def wait_until(what: str, found: Callable[[], object], timeout: float = 120) -> object:
    """Poll until ``found()`` returns something truthy (an event we can observe), and return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what}: not seen within {timeout} s")


def processes_of(instance: Path) -> dict[int, int]:
    """pid → parent pid of every process of this ``serve`` (the worker and its children, redis):
    those whose command line or environment names ``instance``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cmdline += (entry / "environ").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if str(instance) in cmdline:
            found[int(entry.name)] = parent
    return found


def heartbeat_pids(instance: Path) -> list[int]:
    """Worker pids in the order they started, from the heartbeat rows the workers write."""
    with sqlite3.connect(instance / "gifts.sqlite3") as connection:
        return [pid for (pid,) in connection.execute("SELECT pid FROM worker_heartbeat ORDER BY id")]


def wait_ready(buyer: Buyer, design_id: int) -> None:
    status = wait_until(
        f"proof of design {design_id} settled",
        lambda: (s := buyer.proof_status(design_id)) in ("ready", "failed") and s,
    )
    assert status == "ready"


def test_serve_on_port_from_env_renders_proofs_and_restarts_a_killed_worker_and_broker(tmp_path):
    instance = tmp_path / "instance"
    port = free_port()
    serve = start_serve(instance, port, port_from_env=True)
    log = instance / "serve.log"
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_healthy(base)["worker"] == "ok"
        assert f"running at {base}/" in log.read_text()
        buyer = Buyer(base)
        buyer.log_in()
        wait_ready(buyer, buyer.submit_proof(1))  # rendered through the private Redis

        [first] = heartbeat_pids(instance)
        pool = {pid for pid, parent in processes_of(instance).items() if parent == first}
        assert pool, "the worker has pool processes"
        os.kill(first, signal.SIGKILL)
        restart = wait_until(
            "restart line",
            lambda: re.search(
                rf"serve: worker \(pid {first}\) exited with code -9 .*; restart 1 in 1 s", log.read_text()
            ),
        )
        assert restart
        second = wait_until("a new worker's heartbeat", lambda: heartbeat_pids(instance)[1:])[0]
        assert second != first
        assert not pool & set(processes_of(instance)), "the dead worker's pool processes were left behind"
        wait_ready(buyer, buyer.submit_proof(2))  # the restarted worker renders

        [redis] = [
            pid
            for pid in processes_of(instance)
            if b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        os.kill(redis, signal.SIGKILL)
        wait_until(
            "redis restart line",
            lambda: re.search(
                rf"serve: private redis-server \(pid {redis}\) exited .*; restart 1 in 1 s", log.read_text()
            ),
        )
        wait_until(
            "redis started again", lambda: log.read_text().count("serve: private redis-server started") == 2
        )
        wait_ready(buyer, buyer.submit_proof(3))  # web and worker found the new broker
    finally:
        serve.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            assert serve.wait(timeout=60) == 0
        finally:
            stop_serve(serve)
    assert processes_of(instance) == {}, "serve left a worker or redis-server running"


def test_a_taken_port_is_one_line_and_starts_nothing(tmp_path):
    instance = tmp_path / "instance"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        serve = start_serve(instance, port, port_from_env=True)
        try:
            code = serve.wait(timeout=120)
        except subprocess.TimeoutExpired:
            stop_serve(serve)
            raise
    output = [line for line in (instance / "serve.log").read_text().splitlines() if line.strip()]
    assert code != 0
    assert len(output) == 1 and f"Port {port} on 127.0.0.1 is already in use" in output[0], output
    assert processes_of(instance) == {}
    assert not (instance / "redis.sock").exists()
    assert not (instance / "gifts.sqlite3").exists()  # not even migrated


def test_a_minute_of_steady_use_renders_every_proof_and_the_worker_never_exits(tmp_path):
    """The short form of `python -m bench.soak --minutes 30 --every 30`."""
    figures = soak(seconds=60, every=4, instance=tmp_path / "instance")
    assert figures.submitted >= 10
    assert (figures.rendered, figures.failed, figures.pending) == (figures.submitted, 0, 0), figures
    assert (figures.worker_starts, figures.worker_exits) == (1, 0), figures


def restart_delays(capsys: pytest.CaptureFixture[str], count: int) -> list[str]:
    """The delays of the first ``count`` restart lines serve's supervisor logged."""
    seen: list[str] = []

    def enough() -> bool:
        seen.extend(
            re.findall(r"exited with code 3 after \d+ s; restart \d+ in (\d+) s", capsys.readouterr().err)
        )
        return len(seen) >= count

    wait_until(f"{count} restarts", enough, timeout=60)
    return seen[:count]


def test_a_child_that_keeps_dying_is_restarted_with_doubling_delays(capsys):
    dying = supervise.Child(name="worker", argv=[sys.executable, "-c", "raise SystemExit(3)"])
    supervisor = supervise.Supervisor([dying])
    supervisor.start()
    try:
        assert restart_delays(capsys, 3) == ["1", "2", "4"]
    finally:
        supervisor.stop()


def test_a_child_that_ran_a_while_is_restarted_after_the_first_delay_again(capsys, monkeypatch):
    monkeypatch.setattr(supervise, "STEADY_SECONDS", 0.0)  # every run counts as a long one
    dying = supervise.Child(name="worker", argv=[sys.executable, "-c", "raise SystemExit(3)"])
    supervisor = supervise.Supervisor([dying])
    supervisor.start()
    try:
        assert restart_delays(capsys, 3) == ["1", "1", "1"]
    finally:
        supervisor.stop()
