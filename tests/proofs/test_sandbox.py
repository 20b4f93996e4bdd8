"""The forked render: results come back; time, memory and crashes become readable failures."""

from __future__ import annotations

import os
import signal
import time

import pytest

from proofs.sandbox import RenderFailed, run_limited


def _double(data: bytes) -> bytes:
    return data * 2


def _sleep() -> None:
    time.sleep(30)


def _hog() -> bytes:
    return bytes(2_000 * 1024 * 1024)


def _crash() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # what the kernel OOM killer does


def _raise() -> None:
    raise ValueError("The logo is not a readable image.")


def test_returns_the_result():
    assert run_limited(_double, b"ab" * 1_000_000, seconds=10, memory_mb=256) == b"ab" * 2_000_000


def test_wall_clock_limit():
    started = time.monotonic()
    with pytest.raises(RenderFailed, match=r"stopped after 0.3 seconds"):
        run_limited(_sleep, seconds=0.3, memory_mb=256)
    assert time.monotonic() - started < 5


def test_memory_limit():
    with pytest.raises(RenderFailed, match="256 MB memory limit"):
        run_limited(_hog, seconds=10, memory_mb=256)


def test_crash_is_reported():
    with pytest.raises(RenderFailed, match="crashed"):
        run_limited(_crash, seconds=10, memory_mb=256)


def test_exception_is_reported_with_its_message():
    with pytest.raises(RenderFailed, match=r"ValueError: The logo is not a readable image\."):
        run_limited(_raise, seconds=10, memory_mb=256)
