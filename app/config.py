"""Configuration from the environment.

The embedded default needs no server installed: SQLite in ``instance/`` and a private
``redis-server`` that ``flask serve`` starts on a Unix socket there. ``DATABASE_URL`` and
``REDIS_URL`` switch to PostgreSQL and a Redis of your own without code changes.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The environment cannot run the service (for example production without a secret)."""


def _secret_key(instance: Path, env: dict[str, str]) -> str:
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    if env.get("APP_ENV") == "production":
        raise ConfigError("SECRET_KEY must be set when APP_ENV=production")
    # Generated once so sessions survive restarts of the embedded default.
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def embedded_redis_socket(instance: Path, env: dict[str, str]) -> Path | None:
    """The Unix socket of the private redis-server ``flask serve`` starts; None when not ours to start.

    Redis hands a consumer whole messages only. kombu's file-system transport (the embedded
    broker before) let the worker read a message file still being written and die within
    minutes (JSONDecodeError, a known kombu problem).
    """
    if env.get("REDIS_URL") or env.get("CELERY_EAGER") == "1":
        return None
    return instance.resolve() / "redis.sock"


def _broker(instance: Path, env: dict[str, str]) -> dict[str, Any]:
    socket = embedded_redis_socket(instance, env)
    if socket is not None:
        url = f"redis+socket://{quote(str(socket))}"
    else:  # REDIS_URL, or in-process tasks (CELERY_EAGER) that need no broker at all
        url = env.get("REDIS_URL") or "memory://"
    return {"broker_url": url, "broker_transport_options": {"visibility_timeout": 600}}


def build_config(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the Flask config mapping for this environment."""
    env = dict(os.environ if env is None else env)
    instance = Path(env.get("INSTANCE_PATH", ROOT / "instance"))
    instance.mkdir(parents=True, exist_ok=True)
    production = env.get("APP_ENV") == "production"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'gifts.sqlite3'}"
    celery = {
        **_broker(instance, env),
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_time_limit": 120,
        "task_soft_time_limit": 90,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "task_always_eager": env.get("CELERY_EAGER") == "1",
        "beat_schedule": {
            "reconcile-proofs": {"task": "app.tasks.reconcile_proofs", "schedule": 30.0},
            "send-outbox": {"task": "app.tasks.send_outbox", "schedule": 10.0},
        },
        "beat_schedule_filename": str(instance / "celerybeat-schedule"),
    }
    return {
        "APP_ENV": env.get("APP_ENV", "development"),
        "SECRET_KEY": _secret_key(instance, env),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "STORAGE_DIR": env.get("STORAGE_DIR", str(instance / "files")),
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        "PROOF_STUCK_SECONDS": int(env.get("PROOF_STUCK_SECONDS", "120")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "CELERY": celery,
        "EMBEDDED_REDIS_SOCKET": str(embedded_redis_socket(instance, env) or ""),
        "WORKER_STALE_SECONDS": int(env.get("WORKER_STALE_SECONDS", "60")),
        "INSTANCE_PATH": str(instance),
        # Mail: with no SMTP_HOST, messages are written to MAIL_DIR (the embedded default).
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("SMTP_PORT", "587")),
        "SMTP_USER": env.get("SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "1") == "1",
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT", "15")),
        "MAIL_FROM": env.get("MAIL_FROM", "Gifts of Hope <proofs@giftsofhope.example>"),
        "MAIL_DIR": env.get("MAIL_DIR", str(instance / "mail")),
    }
