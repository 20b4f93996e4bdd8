"""Configuration from the environment.

The embedded default needs no server installed: SQLite in ``instance/`` and a private
``redis-server`` that ``flask serve`` starts on a Unix socket there. ``DATABASE_URL`` and
``REDIS_URL`` switch to PostgreSQL and a Redis of your own without code changes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent


S3_SETTINGS = (
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_PREFIX",
)
"""The environment variables of object storage; ``S3_BUCKET`` alone switches it on."""


class ConfigError(RuntimeError):
    """The environment cannot run the service (for example production without a secret)."""


def _secret_key(env: dict[str, str]) -> str | None:
    """SECRET_KEY from the environment; None lets ``create_app`` keep one in the instance folder."""
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    if env.get("APP_ENV") == "production":
        raise ConfigError("SECRET_KEY must be set when APP_ENV=production")
    return None


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


def _redis_socket(broker_url: str) -> tuple[str, str] | None:
    """The path and database number of a broker on a Redis Unix socket; None for any other broker."""
    if not broker_url.startswith(("redis+socket://", "unix://")):
        return None
    parts = urlsplit(broker_url)
    query = parse_qs(parts.query)
    return parts.path, (query.get("virtual_host") or query.get("db") or ["0"])[0]


def _ratelimit_storage(broker_url: str) -> str:
    """Login-attempt counters go where every web process sees them: the broker's Redis if it is one.

    Without Redis they stay in this process's memory (the embedded default runs one web process).
    """
    if broker_url.startswith(("redis://", "rediss://")):
        return broker_url
    if socket := _redis_socket(broker_url):
        return f"redis+unix://{socket[0]}?db={socket[1]}"
    return "memory://"


def _beat(broker_url: str, lock_seconds: float) -> dict[str, Any]:
    """The schedule runs once however many workers start with ``--beat``: RedBeat keeps it in
    the broker's Redis behind a lock. One beat holds the lock and sends the periodic tasks;
    the others wait, and one of them takes over within ``lock_seconds`` if the holder dies.
    """
    if socket := _redis_socket(broker_url):
        redis_url = f"unix://{socket[0]}?db={socket[1]}"
    elif broker_url.startswith(("redis://", "rediss://")):
        redis_url = broker_url
    else:  # no Redis (tasks run in-process): no beat runs at all
        return {}
    return {
        "beat_scheduler": "redbeat.RedBeatScheduler",
        "redbeat_redis_url": redis_url,
        "redbeat_key_prefix": "goh-beat",
        "redbeat_redis_options": {},  # the broker's transport options are not the client's
        "redbeat_lock_timeout": lock_seconds,
        # A waiting beat retries the lock, and the holder renews it, at least this often.
        "beat_max_loop_interval": lock_seconds / 6,
    }


def build_config(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the Flask config mapping for this environment: reads only, creates nothing."""
    env = dict(os.environ if env is None else env)
    instance = Path(env.get("INSTANCE_PATH", ROOT / "instance"))
    production = env.get("APP_ENV") == "production"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'gifts.sqlite3'}"
    broker = _broker(instance, env)
    celery = {
        **broker,
        **_beat(broker["broker_url"], float(env.get("BEAT_LOCK_SECONDS", "30"))),
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_time_limit": 120,
        "task_soft_time_limit": 90,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "task_always_eager": env.get("CELERY_EAGER") == "1",
        "beat_schedule": {
            "reconcile-renders": {
                "task": "app.tasks.reconcile_renders",
                "schedule": float(env.get("PROOF_RECONCILE_SECONDS", "10")),
            },
            "send-outbox": {"task": "app.tasks.send_outbox", "schedule": 10.0},
            "staff-digest": {"task": "app.tasks.send_staff_digest", "schedule": 60.0},
        },
    }
    return {
        "APP_ENV": env.get("APP_ENV", "development"),
        "SECRET_KEY": _secret_key(env),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "STORAGE_DIR": env.get("STORAGE_DIR", str(instance / "files")),
        # Object storage (app/storage.py) instead of STORAGE_DIR when a bucket is named: what
        # lets several web and worker machines share the files.
        **{name: env.get(name, "") for name in S3_SETTINGS},
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        # Logs on stderr with the request id: "json" (the default in production) or "text";
        # unset in development, where Flask's and Celery's own logging stay as they are.
        # A maker picked on the shared tablet is forgotten after this long without a touch.
        "BOARD_IDLE_MINUTES": float(env.get("BOARD_IDLE_MINUTES", "5")),
        "LOG_FORMAT": env.get("LOG_FORMAT", "json" if production else ""),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        # Who may read /metrics: a bearer token; unset, only this machine (a local Prometheus).
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        # Unset, `flask serve` points proof and share links at the port it serves on.
        "PUBLIC_URL_GIVEN": "PUBLIC_URL" in env,
        # A render (a proof or a document) holds a lease its worker renews (every third of it);
        # lapsed, the proof or document is queued again.
        "PROOF_LEASE_SECONDS": float(env.get("PROOF_LEASE_SECONDS", "30")),
        # A proof or document still queued this long (its message lost) is sent to the workers again.
        "PROOF_RESEND_SECONDS": float(env.get("PROOF_RESEND_SECONDS", "60")),
        # Limits of one proof render (wall clock, memory on top of the warm worker); past them the
        # render is stopped and the proof fails with a reason.
        "PROOF_RENDER_SECONDS": float(env.get("PROOF_RENDER_SECONDS", "30")),
        "PROOF_RENDER_MEMORY_MB": int(env.get("PROOF_RENDER_MEMORY_MB", "1024")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "CELERY": celery,
        # Flask-Limiter (login attempts, guest links): counters in Redis when the app has one.
        "RATELIMIT_STORAGE_URI": _ratelimit_storage(celery["broker_url"]),
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        # A Redis outage must not lock everyone out: count in memory until it is back.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_KEY_PREFIX": "goh-limit",
        # Wrong passwords (only failures count) one account may get from anywhere, and one address
        # for any accounts: much looser, as an office (the workshop tablet and the buyers beside
        # it) shares one address and must not lock itself out.
        "RATELIMIT_LOGIN_ACCOUNT": "10 per 15 minutes",
        "RATELIMIT_LOGIN_ADDRESS": "50 per 15 minutes",
        "RATELIMIT_GUEST_LINK": "120 per minute",
        # Password reset e-mails one address may be sent, and the requests (and uses of reset and
        # invitation links) one network may make; every request counts, whatever the address.
        "RATELIMIT_RESET_ACCOUNT": "5 per 15 minutes",
        "RATELIMIT_RESET_ADDRESS": "50 per 15 minutes",
        # Requests one API token may make (a request without a valid token counts for its address).
        "RATELIMIT_API": env.get("RATELIMIT_API", "120 per minute"),
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
        # A message left "sending" by a crashed sender is sent again (same Message-ID) after this.
        "MAIL_LEASE_SECONDS": float(env.get("MAIL_LEASE_SECONDS", "60")),
        "STAFF_DIGEST_SECONDS": float(env.get("STAFF_DIGEST_SECONDS", "600")),
        # Webhooks (app/services/webhooks/): plain http only outside production (a receiver on a
        # developer's machine); never to this machine or a private network, except in a test that
        # runs its own receiver on 127.0.0.1 and switches WEBHOOKS_ALLOW_LOOPBACK on for itself.
        "WEBHOOKS_ALLOW_HTTP": not production and env.get("WEBHOOKS_ALLOW_HTTP", "1") == "1",
        "WEBHOOKS_ALLOW_LOOPBACK": False,
        # Connect and read timeout of one webhook attempt, and the lease its sender holds (renewed).
        "WEBHOOK_TIMEOUT_SECONDS": float(env.get("WEBHOOK_TIMEOUT_SECONDS", "5")),
        "WEBHOOK_LEASE_SECONDS": float(env.get("WEBHOOK_LEASE_SECONDS", "60")),
    }
