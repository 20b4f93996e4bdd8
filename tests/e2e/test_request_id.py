"""The id of the request that submitted a proof is on the worker's JSON log line about drawing it."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import stop
from tests.e2e.workers import start_worker, submitted_proof, wait_for_status

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def test_the_worker_logs_its_render_as_json_under_the_submitting_request_id(app, worker_env, tmp_path):
    from app.observability import working_for

    with working_for("trace-from-the-buyer-0001"):  # as during the buyer's submit request
        proof = submitted_proof()
    log = tmp_path / "worker.log"
    worker = start_worker({**worker_env, "LOG_FORMAT": "json"}, log)
    try:
        assert wait_for_status(proof.id, ("ready", "failed")).status == "ready"
    finally:
        stop(worker)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    [drawn] = [line for line in lines if line["message"].startswith(f"proof {proof.id} drawn in ")]
    assert drawn["request_id"] == "trace-from-the-buyer-0001" and drawn["level"] == "INFO"
    assert {"time", "name"} <= drawn.keys()
