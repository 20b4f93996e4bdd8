"""Command-line entry points: ``flask seed`` and ``flask serve`` (web and worker together)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from waitress import serve as waitress_serve

from app import supervise
from app.seed import DEMO_USERS, seed_demo
from app.services.notifications import send_pending


def register_cli(app: Flask) -> None:
    for command in (seed, send_mail, serve):
        app.cli.add_command(command)


@click.command("seed")
@with_appcontext
def seed() -> None:
    """Create the demo organisations and users (demo only)."""
    click.echo("Seeded demo data." if seed_demo() else "Demo data already present.")


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Send the emails waiting in the outbox now (the worker also does this every few seconds)."""
    click.echo(f"Sent {send_pending()} message(s).")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, envvar="PORT", show_default=True, help="Or set PORT.")
@with_appcontext
def serve(host: str, port: int) -> None:
    """Migrate, seed, then run the web server, a private Redis and a supervised worker until Ctrl-C."""
    try:  # first of all: on a taken port nothing else may start
        listener = supervise.listen(host, port)
    except supervise.CannotStart as exc:
        raise click.ClickException(str(exc)) from None
    try:
        supervisor = supervise.Supervisor(_children(host, port))
    except supervise.CannotStart as exc:
        listener.close()
        raise click.ClickException(str(exc)) from None
    upgrade()
    seed_demo()
    # Ctrl-C and SIGTERM (a supervisor, a test) stop everything. SIGINT is set explicitly
    # because a shell starting us in the background leaves it ignored.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: sys.exit(0))
    try:
        supervisor.start()
        _greet(host, port)
        app_object = current_app._get_current_object()  # type: ignore[attr-defined]
        waitress_serve(app_object, sockets=[listener], threads=8)
    except supervise.CannotStart as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        for stop_signal in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not orphan a child
            signal.signal(stop_signal, signal.SIG_IGN)
        supervisor.stop()
        listener.close()


def _children(host: str, port: int) -> list[supervise.Child]:
    """The private Redis (unless REDIS_URL is set) and the worker to supervise, not started yet."""
    env = os.environ.copy()  # the worker's environment: it builds its own config from it
    if not current_app.config["PUBLIC_URL_GIVEN"]:
        # Links on proofs and in share links must point at this server, whatever its port.
        env["PUBLIC_URL"] = current_app.config["PUBLIC_URL"] = f"http://{host}:{port}"
    redis_socket = current_app.config["EMBEDDED_REDIS_SOCKET"]
    children = [supervise.private_redis(Path(redis_socket))] if redis_socket else []
    worker = [sys.executable, "-m", "celery", "-A", "worker", "worker", "--beat", "--loglevel=WARNING"]
    worker += ["--concurrency=2"]
    children.append(supervise.Child(name="worker", argv=worker, env=env))
    return children


def _greet(host: str, port: int) -> None:
    redis_socket = current_app.config["EMBEDDED_REDIS_SOCKET"]
    broker = f"private Redis on {redis_socket}" if redis_socket else "Redis"
    database = current_app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    click.echo(f"\n  Gifts of Hope is running at http://{host}:{port}/  ({database}, {broker})")
    click.echo("  Demo logins (demo only):")
    for email, password, role, *_ in DEMO_USERS:
        click.echo(f"    {role.value:9} {email:26} {password}")
    click.echo("  Press Ctrl-C to stop the web server, the worker and the broker.\n")
