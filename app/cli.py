"""Command-line entry points: ``flask seed`` and ``flask serve`` (web and worker together)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import click
from flask import Flask, current_app
from flask_migrate import upgrade


def register_cli(app: Flask) -> None:
    @app.cli.command("seed")
    def seed() -> None:
        """Create the demo organisations and users (demo only)."""
        from app.seed import seed_demo

        click.echo("Seeded demo data." if seed_demo() else "Demo data already present.")

    @app.cli.command("send-mail")
    def send_mail() -> None:
        """Send the emails waiting in the outbox now (the worker also does this every few seconds)."""
        from app.services.notifications import send_pending

        click.echo(f"Sent {send_pending()} message(s).")

    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1")
    @click.option("--port", default=5000, type=int)
    def serve(host: str, port: int) -> None:
        """Migrate, seed, then run the web server and a Celery worker until Ctrl-C."""
        from waitress import serve as waitress_serve

        from app.seed import DEMO_USERS, seed_demo

        upgrade()
        seed_demo()
        env = os.environ.copy()
        if "PUBLIC_URL" not in env:
            # Links on proofs and in share links must point at this server, whatever its port.
            env["PUBLIC_URL"] = current_app.config["PUBLIC_URL"] = f"http://{host}:{port}"
        worker = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "worker",
                "worker",
                "--beat",
                "--loglevel=INFO",
                "--concurrency=2",
                "--schedule",
                current_app.config["CELERY"]["beat_schedule_filename"],
            ],
            env=env,
        )
        broker = "Redis" if os.environ.get("REDIS_URL") else "embedded file-system broker"
        database = current_app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
        click.echo(f"\n  Gifts of Hope is running at http://{host}:{port}/  ({database}, {broker})")
        click.echo("  Demo logins (demo only):")
        for email, password, role, *_ in DEMO_USERS:
            click.echo(f"    {role.value:9} {email:26} {password}")
        click.echo("  Press Ctrl-C to stop the web server and the worker.\n")
        # Ctrl-C and SIGTERM (a supervisor, a test) both stop the worker too. SIGINT is set
        # explicitly because a shell starting us in the background leaves it ignored.
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop_signal, lambda *_: sys.exit(0))
        try:
            waitress_serve(current_app._get_current_object(), host=host, port=port, threads=8)  # type: ignore[attr-defined]
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
