"""The periodic tasks are scheduled once however many beats run, and survive the death of the one that does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import redis

from tests.e2e.conftest import ROOT, stop


def start_beat(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker", "beat", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def senders(client: redis.Redis) -> list[int]:
    """The pid of the process that sent each periodic task waiting in the queue, oldest first."""
    messages = [json.loads(raw) for raw in reversed(client.lrange("celery", 0, -1))]
    return [int(m["headers"]["origin"].split("@")[0].removeprefix("gen")) for m in messages]


def wait_until(what: str, check, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def test_two_beats_send_each_tick_once_and_the_survivor_takes_over(worker_env, tmp_path):
    client = redis.Redis.from_url(worker_env["REDIS_URL"])
    env = {**worker_env, "PROOF_RECONCILE_SECONDS": "1", "BEAT_LOCK_SECONDS": "3"}
    with open(tmp_path / "a.log", "ab") as log_a, open(tmp_path / "b.log", "ab") as log_b:
        beats = {p.pid: p for p in (start_beat(env, log_a), start_beat(env, log_b))}
        try:
            # Both beats are up and one of them has sent a run of ticks: all come from one beat.
            wait_until("six ticks", lambda: len(senders(client)) >= 6)
            leader = senders(client)[0]
            assert set(senders(client)) == {leader}
            (follower,) = set(beats) - {leader}
            assert beats[follower].poll() is None, "the waiting beat is alive, not crashed"

            os.kill(leader, signal.SIGKILL)  # its lock is never released: it must lapse
            beats.pop(leader).wait(timeout=10)
            wait_until("the other beat's first tick", lambda: follower in senders(client))
            before = len(senders(client))
            wait_until("its ticks go on", lambda: len(senders(client)) >= before + 3)
            assert set(senders(client)[before:]) == {follower}
        finally:
            for beat in beats.values():
                stop(beat)
