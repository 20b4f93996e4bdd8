"""Settings for every test package."""

from collections import defaultdict

import pytest
from celery import Task
from hypothesis import settings

# Hypothesis fails an example that takes longer than 200 ms by default: a wall-clock bound
# that a loaded machine breaks. Speed is measured in bench/, never asserted in a test.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> defaultdict[str, list[object]]:
    """Stands in for the broker: the id each task was sent with, by task name. Nothing runs."""
    sent: defaultdict[str, list[object]] = defaultdict(list)

    def record(task: Task, args: tuple[object, ...] = (), kwargs: object = None, **_options: object) -> None:
        [row_id] = args  # tasks take one id, never an object
        sent[task.name].append(row_id)

    monkeypatch.setattr(Task, "apply_async", record)
    return sent
