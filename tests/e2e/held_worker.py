"""A Celery worker whose renders stop inside the renderer until the process is killed.

Tests start it with ``celery -A tests.e2e.held_worker worker`` to kill a render that is
observably in progress: the file named by ``HELD_RENDER_MARKER`` appears once drawing began.
"""

import os
import threading
from pathlib import Path

from app.services import proofs
from worker import celery_app

__all__ = ["celery_app"]


def _held(job: proofs.RenderJob) -> tuple[bytes, bytes]:
    Path(os.environ["HELD_RENDER_MARKER"]).write_text(job.reference, encoding="utf-8")
    threading.Event().wait()  # until the test kills this process
    raise AssertionError("unreachable")


proofs.render_job_files = _held
