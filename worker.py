"""The Celery entry point: ``celery -A worker worker``."""

from celery.signals import worker_init, worker_process_init

from app import create_app
from app.services import proofs

flask_app = create_app()
celery_app = flask_app.extensions["celery"]


@worker_init.connect
def _warm_main_process(**_: object) -> None:
    """Warm before the pool forks: prefork children inherit fonts, templates and artwork."""
    proofs.warm_up()


@worker_process_init.connect
def _warm_pool_process(**_: object) -> None:
    """A no-op when inherited from the main process; warms a child started any other way."""
    proofs.warm_up()
