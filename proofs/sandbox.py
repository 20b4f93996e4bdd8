"""Run one render in a forked child with a hard time limit and a memory limit.

A proof renders user text and a user's logo. Whatever they contain, the worst they may do is
fail that one proof: the render runs in a child forked from the (warm) worker, so it starts
with every font, template and artwork cache already loaded and costs a few milliseconds to
start. The child gets an address-space limit (``RLIMIT_AS``) and a CPU limit; the parent
waits with a wall-clock deadline and kills it when the deadline passes. A crash, a
``MemoryError`` or a kill in the child becomes :class:`RenderFailed` with a sentence staff can
read, and the worker process itself, with its database connection and broker channel, is
never touched.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_MB = 1024 * 1024
_PR_SET_PDEATHSIG = 1


class RenderFailed(RuntimeError):
    """The render did not produce output; ``str(exc)`` is meant for staff."""


def _address_space() -> int:
    """Current virtual size in bytes (the limit is this plus the render's budget)."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _die_with_parent() -> None:
    """If the worker is killed mid-render, the child must not live on (Linux only)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _child(
    write_fd: int, fn: Callable[..., Any], args: tuple[Any, ...], seconds: float, memory_mb: int
) -> None:
    status = 0
    try:
        _die_with_parent()
        limit = _address_space() + memory_mb * _MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = max(1, int(seconds) + 1)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        try:
            payload = pickle.dumps(("ok", fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", ""))
        except BaseException as exc:  # anything the render raises is reported, not re-raised here
            payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"[:500]))
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view) :]
    except BaseException:
        status = 70
    finally:
        # Skip atexit and finalizers: they belong to the parent (its DB connection, its broker).
        os._exit(status)


def run_limited(fn: Callable[..., T], *args: Any, seconds: float, memory_mb: int) -> T:
    """Call ``fn(*args)`` in a forked child; return its (picklable) result or raise RenderFailed."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read_fd)
        _child(write_fd, fn, args, seconds, memory_mb)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if timed_out:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise RenderFailed(f"Rendering was stopped after {seconds:g} seconds (the limit for one proof).")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            raise RenderFailed(f"Rendering was stopped after using {seconds:g} seconds of processor time.")
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        raise RenderFailed(f"The rendering process crashed ({name}); the input may be damaged or too large.")
    try:
        kind, value = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child wrote it
    except Exception as exc:
        raise RenderFailed("The rendering process ended without a result.") from exc
    if kind == "ok":
        return value
    if kind == "memory":
        raise RenderFailed(f"Rendering needed more than the {memory_mb} MB memory limit for one proof.")
    raise RenderFailed(f"Rendering failed: {value}")
