"""The Celery entry point: ``celery -A worker worker``."""

import gc
import os

from celery.signals import setup_logging, worker_init, worker_process_init, worker_ready, worker_shutdown

from app import create_app, observability
from app.services import proofs
from app.services.workers import Heartbeat

flask_app = create_app()
celery_app = flask_app.extensions["celery"]

if flask_app.config["LOG_FORMAT"]:
    # Our log format (JSON with the request id) rather than Celery's: the app configured it.
    setup_logging.connect(lambda **_: None, weak=False)


def _settle() -> None:
    """Move everything loaded so far (app, fonts, templates, artwork) out of the collector's sight.

    The warm process holds a few hundred thousand long-lived objects; each full collection
    walked all of them (tens of milliseconds, every few proofs) and, in a forked pool child,
    wrote to their pages (copy-on-write). Frozen, they are never scanned; what a render
    allocates is collected as before.
    """
    gc.collect()
    gc.freeze()


@worker_init.connect
def _warm_main_process(**_: object) -> None:
    """Warm before the pool forks: prefork children inherit fonts, templates and artwork."""
    proofs.warm_up()
    _settle()


@worker_process_init.connect
def _warm_pool_process(**_: object) -> None:
    """A no-op when inherited from the main process; warms a child started any other way."""
    proofs.warm_up()
    _settle()


@worker_init.connect
def _serve_metrics(**_: object) -> None:
    """On a worker machine of its own, Prometheus scrapes its render times here (see the README)."""
    port = os.environ.get("WORKER_METRICS_PORT")
    if port:
        from prometheus_client import start_http_server

        start_http_server(int(port), registry=observability.process_registry())


@worker_ready.connect
def _start_heartbeat(sender: object, **_: object) -> None:
    """Once connected to the broker, tell the web (through the database) that we are alive."""
    heartbeat = Heartbeat(flask_app, name=getattr(sender, "hostname", "celery"))
    flask_app.extensions["worker_heartbeat"] = heartbeat
    heartbeat.start()


@worker_shutdown.connect
def _stop_heartbeat(**_: object) -> None:
    heartbeat = flask_app.extensions.pop("worker_heartbeat", None)
    if heartbeat is not None:
        heartbeat.stop()
