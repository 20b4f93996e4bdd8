"""Flask application factory."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from app.config import ROOT, build_config
from app.extensions import csrf, db, limiter, login_manager, migrate


def create_app(config: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> Flask:
    """Create the app; ``config`` overrides what the environment says (tests use it)."""
    # Here, not at the top: every ``app.*`` import runs this package first, and importing a
    # model or the config must not load every blueprint and service (Flask's factory idiom).
    from app import background, tasks  # noqa: F401 - registers the Celery tasks
    from app.api import init_api
    from app.blueprints import register_blueprints
    from app.celery_app import celery_init_app
    from app.cli import register_cli
    from app.i18n import init_i18n
    from app.observability import configure_logging, init_observability
    from app.security import init_security
    from app.storage import init_storage
    from app.views import register_database_outage_page, register_filters

    app = Flask(__name__, template_folder=str(ROOT / "templates"), instance_relative_config=False)
    app.url_map.converters["int"] = BoundedInt
    app.config.update(build_config(env))
    app.config.update(config or {})
    _prepare_instance(app)

    if app.config["LOG_FORMAT"]:
        configure_logging(json_logs=app.config["LOG_FORMAT"] == "json", level=app.config["LOG_LEVEL"])
    init_observability(app)
    db.init_app(app)
    background.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    init_storage(app)
    init_security(app)
    celery_init_app(app)
    register_blueprints(app)
    init_api(app)
    register_cli(app)
    register_filters(app)
    init_i18n(app)
    register_database_outage_page(app)
    return app


def _prepare_instance(app: Flask) -> None:
    """Create the instance folder and, without SECRET_KEY, the key kept in it.

    The key is generated once so that sessions survive restarts of the embedded default.
    """
    instance = Path(app.config["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    if app.config["SECRET_KEY"]:
        return
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text(encoding="utf-8").strip()


class BoundedInt(IntegerConverter):
    """``<int:…>`` up to INTEGER's range: /designs/99999999999999999999 is a 404, not a database error."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Let the web server and the worker share one SQLite file without 'database is locked'."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
