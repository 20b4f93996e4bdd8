"""What operators watch: a request id that follows the work from the request to the worker,
JSON logs that carry it, and Prometheus metrics at ``/metrics``.

The request id comes from the ``X-Request-ID`` header of a proxy (when it is a plain token) or
is made here; it is sent back on the response, rides with every task the request queues (a
Celery message header) and is on every log line of the request and of those tasks.

Metrics of work in flight (proofs, documents and webhook deliveries by state, the outbox, the
queue, the newest worker heartbeat) are read from the database and Redis when scraped, so every web process
gives the same answer however many run. Request timings are this process's; render times are
the worker's. With ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn, or web and workers on one
machine) ``/metrics`` adds up every process that writes there (prometheus_client's multiprocess
mode); a worker on a machine of its own serves its own on ``WORKER_METRICS_PORT``.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from werkzeug.wrappers import Response

REQUEST_ID_HEADER = "X-Request-ID"
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
"""The id of the request (or of the task's originating request) this code runs for."""

REQUEST_SECONDS = Histogram(
    "goh_http_request_duration_seconds",
    "Time to answer a request, by endpoint (its route name), method and status.",
    ["endpoint", "method", "status"],
)
RENDER_SECONDS = Histogram(
    "goh_render_duration_seconds",
    "Time a worker spent drawing one proof or document, by kind and outcome.",
    ["kind", "outcome"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120),
)


# --- request ids and logs -------------------------------------------------------------------


def new_request_id(given: str | None = None) -> str:
    """``given`` if it is a plain token a proxy made; a fresh id otherwise (never the raw header)."""
    return given if given and _TOKEN.match(given) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every log record (``-`` outside any request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


def configure_logging(json_logs: bool, level: str = "INFO") -> None:
    """Log lines to stderr: JSON objects (one per line) for log collectors, or plain text."""
    from pythonjsonlogger.json import JsonFormatter

    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    fields = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
    if json_logs:
        handler.setFormatter(JsonFormatter(fields, rename_fields={"levelname": "level", "asctime": "time"}))
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


@contextlib.contextmanager
def working_for(rid: str | None) -> Iterator[None]:
    """Run a task's body under the id of the request that queued it."""
    token = request_id.set(rid)
    try:
        yield
    finally:
        request_id.reset(token)


# --- metrics --------------------------------------------------------------------------------


@contextlib.contextmanager
def rendering(kind: str) -> Iterator[None]:
    """Time one render into ``goh_render_duration_seconds`` (outcome ``failed`` if it raised)."""
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "done"
    finally:
        RENDER_SECONDS.labels(kind, outcome).observe(time.perf_counter() - started)


class WorkInFlight:
    """Gauges read from the database and the broker at scrape time (the same on every web process)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from sqlalchemy import func, select

        from app.extensions import db
        from app.models import OutboxMessage, Proof, WebhookDelivery
        from app.models.documents import Document
        from app.services import workers
        from configurator.states import MessageStatus

        proofs = GaugeMetricFamily("goh_proofs", "Proofs by render state.", labels=["status"])
        for status, count in db.session.execute(select(Proof.status, func.count()).group_by(Proof.status)):
            proofs.add_metric([str(status)], count)
        yield proofs
        documents = GaugeMetricFamily("goh_documents", "Documents by render state.", labels=["status"])
        for status, count in db.session.execute(
            select(Document.status, func.count()).group_by(Document.status)
        ):
            documents.add_metric([str(status)], count)
        yield documents
        backlog = db.session.scalar(select(func.count()).where(OutboxMessage.status == MessageStatus.PENDING))
        yield GaugeMetricFamily("goh_outbox_backlog", "E-mails waiting to be sent.", value=backlog or 0)
        hooks = GaugeMetricFamily(
            "goh_webhook_deliveries",
            "Webhook deliveries by state (failed: every retry used).",
            labels=["status"],
        )
        for status, count in db.session.execute(
            select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)
        ):
            hooks.add_metric([str(status)], count)
        yield hooks
        age = workers.state().age_seconds
        yield GaugeMetricFamily(
            "goh_worker_heartbeat_age_seconds",
            "Seconds since the newest worker heartbeat (-1: never seen).",
            value=-1 if age is None else age,
        )
        db.session.rollback()
        depth = _queue_depth()
        if depth is not None:
            yield GaugeMetricFamily("goh_queue_depth", "Tasks waiting in the broker's queue.", value=depth)


def _queue_depth() -> int | None:
    """Messages waiting on the default queue, or None when the broker is not Redis (or is down)."""
    from flask import current_app

    celery = current_app.extensions["celery"]
    if celery.conf.task_always_eager:
        return None
    try:
        with celery.connection_for_read() as connection:
            return connection.default_channel.client.llen(celery.conf.task_default_queue)
    except Exception:  # a metric is missing while the broker is away; /healthz says why
        return None


def process_registry() -> CollectorRegistry:
    """The metrics processes record themselves: every process of this machine writing to
    ``PROMETHEUS_MULTIPROC_DIR``, or this process alone."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import REGISTRY

        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def exposition() -> bytes:
    """Everything ``/metrics`` says, in Prometheus' text format."""
    state = CollectorRegistry()
    state.register(WorkInFlight())
    return generate_latest(process_registry()) + generate_latest(state)


def init_observability(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()
        g.request_id_token = request_id.set(new_request_id(request.headers.get(REQUEST_ID_HEADER)))

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id.get() or ""
        started = g.pop("request_started", None)
        if started is not None:
            endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
            REQUEST_SECONDS.labels(endpoint, request.method, str(response.status_code)).observe(
                time.perf_counter() - started
            )
        return response

    @app.teardown_request
    def _forget(_exc: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            request_id.reset(token)


def task_headers() -> dict[str, Any]:
    """Headers a queued task carries: the id of the request (or task) that queued it."""
    rid = request_id.get()
    return {"request_id": rid} if rid else {}
