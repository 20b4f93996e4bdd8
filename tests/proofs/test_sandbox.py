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


def test_renders_in_threads_at_once_leave_the_process_limit_as_it_was():
    """RLIMIT_AS is the whole process's: threads that set and restored it at once left it capped
    (and a browser started afterwards by the same process could not start).

    The worst order: the first render starts, the second starts, the first ends, the second ends
    (restoring what it found: the first one's cap).
    """
    import resource
    import threading

    before = resource.getrlimit(resource.RLIMIT_AS)
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        first_in.set()
        second_in.wait(10)

    def second() -> None:
        second_in.set()
        first_out.wait(10)

    one = threading.Thread(target=lambda: (run_limited(first, seconds=10, memory_mb=64), first_out.set()))
    one.start()
    first_in.wait(10)
    two = threading.Thread(target=lambda: run_limited(second, seconds=10, memory_mb=64))
    two.start()
    one.join(30)
    two.join(30)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
