"""A Celery worker whose renders stop inside the renderer until the process is killed.

Tests start it with ``celery -A tests.e2e.held_worker worker`` to kill a render that is
observably in progress: the file named by ``HELD_RENDER_MARKER`` appears once a proof began
drawing, the one named by ``HELD_DOCUMENT_MARKER`` (when set) once an approval record did, the
one named by ``HELD_IMPORT_MARKER`` (when set) once a recipient import's second chunk of rows
is saved but not committed (the first chunk is).
"""

import os
import threading
from pathlib import Path

from app.services import proofs, recipients
from proofs import approval_record
from proofs.request import ProofRequest, RenderedProof
from worker import celery_app

__all__ = ["celery_app"]


def _held(request: ProofRequest) -> RenderedProof:
    Path(os.environ["HELD_RENDER_MARKER"]).write_text(request.reference, encoding="utf-8")
    threading.Event().wait()  # until the test kills this process
    raise AssertionError("unreachable")


def _held_document(data: dict, _mockup: bytes | None) -> bytes:
    Path(os.environ["HELD_DOCUMENT_MARKER"]).write_text(data["reference"], encoding="utf-8")
    threading.Event().wait()
    raise AssertionError("unreachable")


proofs.render_files = _held
if os.environ.get("HELD_DOCUMENT_MARKER"):
    approval_record.render_approval_record = _held_document


def _held_second_chunk(real):
    chunks = []

    def save(*args, **kwargs):
        saved = real(*args, **kwargs)
        chunks.append(saved)
        if len(chunks) == 2:
            Path(os.environ["HELD_IMPORT_MARKER"]).write_text(str(saved), encoding="utf-8")
            threading.Event().wait()
        return saved

    return save


if os.environ.get("HELD_IMPORT_MARKER"):
    recipients._save_good_rows = _held_second_chunk(recipients._save_good_rows)
