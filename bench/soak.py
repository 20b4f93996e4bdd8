"""Soak: ``flask serve`` as ``make run`` starts it, left running with a proof submitted every few seconds.

    .venv/bin/python -m bench.soak --minutes 30 --every 30

Counts proofs submitted and rendered, worker starts and exits (from serve's log), and the
slowest submit → ready. Exits non-zero if a proof did not render or the worker ever exited.
The e2e suite runs the same function for about a minute (tests/e2e/test_serve.py).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUYER = ("buyer@acme.test", "demo-buyer")
DROPPED = ("DATABASE_URL", "REDIS_URL", "CELERY_EAGER", "PUBLIC_URL", "PORT")
"""Unset for serve, so it runs the embedded default exactly as ``make run`` does."""
WORKER_STARTED = re.compile(r"serve: worker started \(pid (\d+)\)")
WORKER_EXITED = re.compile(r"serve: worker \(pid \d+\) exited")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(instance: Path, port: int, *, port_from_env: bool = False) -> subprocess.Popen:
    """``flask --app app serve`` with the embedded default in ``instance``, output in serve.log.

    ``port_from_env`` passes the port as ``PORT=…`` (as in ``PORT=5301 make run``), not ``--port``.
    """
    instance.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in DROPPED} | {"INSTANCE_PATH": str(instance)}
    argv = [sys.executable, "-m", "flask", "--app", "app", "serve"]
    if port_from_env:
        env["PORT"] = str(port)
    else:
        argv += ["--port", str(port)]
    with open(instance / "serve.log", "ab") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def stop_serve(process: subprocess.Popen) -> int:
    process.terminate()
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def wait_healthy(url: str, timeout: float = 120) -> dict:
    """Wait until /healthz answers 200 (database, broker and a worker's heartbeat all fresh)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url}/healthz did not answer 200 within {timeout} s")


class Buyer:
    """The demo buyer, through HTTP and forms like a browser without JavaScript."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def _open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as exc:  # 3xx land here (no redirects followed)
            return exc.code, exc.headers.get("Location", ""), exc.read().decode()

    def _form(self, path: str) -> dict[str, str]:
        """The hidden fields (CSRF token, revision) of the form on ``path``."""
        status, _, html = self._open(path)
        assert status == 200, f"GET {path}: {status}"
        return dict(re.findall(r'name="(csrf_token|revision)"[^>]*value="([^"]*)"', html))

    def log_in(self, email: str = BUYER[0], password: str = BUYER[1]) -> None:
        status, _, _ = self._open("/login", {**self._form("/login"), "email": email, "password": password})
        assert status == 302, f"log in: {status}"

    def submit_proof(self, n: int) -> int:
        """A classic box with its own message, submitted: returns the design id."""
        status, location, _ = self._open(
            "/designs/new", {**self._form("/designs/new"), "classic": "warm-welcome"}
        )
        assert status == 302, f"new design: {status}"
        design_id = int(location.split("/designs/")[1].split("/")[0])
        message = f"/designs/{design_id}/edit/message"
        card = {"message": f"Soak proof {n}: thank you!", "sign_off": "Acme", "card_style": "classic"}
        status, _, _ = self._open(message, {**self._form(message), **card, "card_size": "5x7", "nav": "save"})
        assert status == 302, f"message: {status}"
        review = f"/designs/{design_id}/edit/review"
        status, _, _ = self._open(review, {**self._form(review), "nav": "submit"})
        assert status == 302, f"submit: {status}"
        return design_id

    def proof(self, design_id: int) -> dict:
        """The design's latest proof as its polling endpoint gives it (status, id, file links)."""
        status, _, body = self._open(f"/designs/{design_id}/status.json")
        return json.loads(body)["proof"] if status == 200 else {"status": "unknown"}

    def proof_status(self, design_id: int) -> str:
        return self.proof(design_id)["status"]

    def decide(self, design_id: int, proof: dict, decision: str = "approve") -> tuple[int, str]:
        """Approve (or not) ``proof`` from its review page: the answer's status and redirect."""
        form = self._form(f"/designs/{design_id}/review")
        status, location, _ = self._open(
            f"/proofs/{proof['id']}/decision",
            {"csrf_token": form["csrf_token"], "version": str(proof["version"]), "decision": decision},
        )
        return status, location

    def fetch(self, path: str) -> bytes:
        request = urllib.request.Request(self.base + path)
        with self.opener.open(request, timeout=30) as response:
            return response.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Figures:
    submitted: int = 0
    rendered: int = 0
    failed: int = 0
    pending: int = 0
    worker_starts: int = 0
    worker_exits: int = 0
    seconds_to_ready: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rendered == self.submitted and self.worker_starts == 1 and self.worker_exits == 0

    def __str__(self) -> str:
        times = sorted(self.seconds_to_ready) or [0.0]
        return (
            f"proofs submitted {self.submitted}, rendered {self.rendered}, failed {self.failed}, "
            f"still pending {self.pending}; worker starts {self.worker_starts}, exits {self.worker_exits}; "
            f"submit → ready median {times[len(times) // 2]:.1f} s, max {times[-1]:.1f} s"
        )


def soak(seconds: float, every: float, instance: Path, settle: float = 120) -> Figures:
    """Run serve for ``seconds``, submitting a proof every ``every`` seconds; then wait for the last ones."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = start_serve(instance, port)
    figures = Figures()
    pending: dict[int, float] = {}
    try:
        wait_healthy(base)
        buyer = Buyer(base)
        buyer.log_in()
        started = time.monotonic()
        next_submit = started
        while pending or time.monotonic() < started + seconds:
            now = time.monotonic()
            if now >= next_submit and now < started + seconds:
                pending[buyer.submit_proof(figures.submitted)] = time.monotonic()
                figures.submitted += 1
                next_submit += every
            for design_id, submitted_at in list(pending.items()):
                status = buyer.proof_status(design_id)
                if status in ("ready", "failed"):
                    del pending[design_id]
                    figures.rendered += status == "ready"
                    figures.failed += status == "failed"
                    figures.seconds_to_ready.append(time.monotonic() - submitted_at)
            if time.monotonic() > started + seconds + settle:
                break
            time.sleep(0.5)
    finally:
        stop_serve(serve)
        log = (instance / "serve.log").read_text(encoding="utf-8", errors="replace")
        figures.pending = len(pending)
        figures.worker_starts = len(WORKER_STARTED.findall(log))
        figures.worker_exits = len(WORKER_EXITED.findall(log))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--every", type=float, default=30, help="seconds between proofs")
    parser.add_argument("--instance", type=Path, help="instance folder (default: a new temporary one)")
    args = parser.parse_args()
    instance = args.instance or Path(tempfile.mkdtemp(prefix="goh-soak-"))
    print(
        f"soak: {args.minutes} min, a proof every {args.every} s; log in {instance / 'serve.log'}", flush=True
    )
    figures = soak(args.minutes * 60, args.every, instance)
    print(f"soak: {figures}")
    raise SystemExit(0 if figures.ok else 1)


if __name__ == "__main__":
    main()
