"""When a webhook delivery is tried again: the retry schedule, stated once.

A receiver that is down for a day still gets every event: the delays add up to about 41 hours.
"""

from __future__ import annotations

from datetime import timedelta

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(hours=12),
    timedelta(hours=24),
)
"""The wait after the 1st, 2nd … failed attempt; after the last one the delivery is failed."""

MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def retry_delay(failed_attempts: int) -> timedelta | None:
    """How long to wait after this many failed attempts; None when no attempt is left."""
    if not 1 <= failed_attempts <= len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[failed_attempts - 1]


def _words(delay: timedelta) -> str:
    seconds = int(delay.total_seconds())
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    raise AssertionError("unreachable: every delay is whole seconds")


def schedule_words() -> str:
    """The retry schedule as people read it: "30 seconds, 2 minutes, … and 24 hours"."""
    words = [_words(d) for d in RETRY_DELAYS]
    return ", ".join(words[:-1]) + " and " + words[-1]
