"""The limited render: results come back; time and memory overruns become readable failures."""

from __future__ import annotations

import contextlib
import resource
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


def _raise() -> None:
    raise ValueError("The logo is not a readable image.")


def test_returns_the_result():
    assert run_limited(_double, b"ab" * 1_000_000, seconds=10, memory_mb=256) == b"ab" * 2_000_000


def test_wall_clock_limit():
    # Without the limit the 30 s sleep would return normally and nothing would be raised.
    with pytest.raises(RenderFailed, match=r"stopped after 0.3 seconds"):
        run_limited(_sleep, seconds=0.3, memory_mb=256)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_memory_limit():
    with pytest.raises(RenderFailed, match="256 MB memory limit"):
        run_limited(_hog, seconds=10, memory_mb=256)


def test_exception_is_reported_with_its_message():
    with pytest.raises(RenderFailed, match=r"ValueError: The logo is not a readable image\."):
        run_limited(_raise, seconds=10, memory_mb=256)


@pytest.mark.parametrize("render", [_hog, _raise, lambda: b"done"], ids=["memory", "error", "success"])
def test_limits_are_lifted_afterwards_so_the_worker_carries_on(render):
    before = resource.getrlimit(resource.RLIMIT_AS)
    handler = signal.getsignal(signal.SIGALRM)
    with contextlib.suppress(RenderFailed):
        run_limited(render, seconds=10, memory_mb=256)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert signal.getsignal(signal.SIGALRM) == handler
    assert len(bytes(300 * 1024 * 1024)) > 0  # the memory the render could not have is there again
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # and no timer is left to fire
