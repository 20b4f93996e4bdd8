"""Run one render under a hard time limit and a memory limit, in the (warm) worker process.

A proof renders user text and a user's logo. Whatever they contain, the worst they may do is
fail that one proof. The render runs in the Celery pool process itself, so every font,
template, artwork and logo cache stays warm from one proof to the next (a forked child per
render threw them away and cost about a third of the render time). Limits:

* time: a wall-clock timer (``SIGALRM``) raises inside the render when it runs too long;
  Celery's hard time limit stays behind it for code that never returns to Python;
* memory: the address-space limit (``RLIMIT_AS``) is lowered to the current size plus the
  render's budget for the duration of the render, so an allocation past it raises
  ``MemoryError`` in the render instead of growing the worker;
* a crash (a signal in C code) kills only this pool process: Celery starts another, and the
  proof reconciler re-queues the proof, giving up with a reason after a few attempts.

Either limit becomes :class:`RenderFailed` with a sentence staff can read.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_MB = 1024 * 1024


class RenderFailed(RuntimeError):
    """The render did not produce output; ``str(exc)`` is meant for staff."""


class _Overtime(BaseException):
    """Raised by the timer; a BaseException so that no ``except Exception`` in a library eats it."""


def _address_space() -> int:
    """Current virtual size in bytes (the limit is this plus the render's budget)."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _on_alarm(_signum: int, _frame: object) -> None:
    raise _Overtime


@contextlib.contextmanager
def _limits(seconds: float, memory_mb: int) -> Iterator[None]:
    # Signal handlers and the address-space limit belong to the whole process, so only its main
    # thread (a Celery prefork or solo worker's) sets them. Renders in other threads at once
    # would save and restore each other's limit and leave the process capped for good; there
    # Celery's own time limits are the guard.
    limited = threading.current_thread() is threading.main_thread()
    if not limited:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    budget = _address_space() + memory_mb * _MB
    resource.setrlimit(
        resource.RLIMIT_AS, (budget if hard == resource.RLIM_INFINITY else min(budget, hard), hard)
    )
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def run_limited(fn: Callable[..., T], *args: Any, seconds: float, memory_mb: int) -> T:
    """Call ``fn(*args)`` under the limits; return its result or raise RenderFailed."""
    try:
        with _limits(seconds, memory_mb):
            return fn(*args)
    except _Overtime:
        raise RenderFailed(
            f"Rendering was stopped after {seconds:g} seconds (the limit for one proof)."
        ) from None
    except MemoryError:
        raise RenderFailed(
            f"Rendering needed more than the {memory_mb} MB memory limit for one proof."
        ) from None
    except Exception as exc:
        raise RenderFailed(f"Rendering failed: {type(exc).__name__}: {exc}"[:500]) from exc
