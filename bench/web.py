"""Pages under load: ``.venv/bin/python -m bench.web [--backlog 2000] [--seconds 5]``.

Starts three gunicorn servers with the same settings (2 sync workers): a bare Flask "hello"
(the baseline), the app on a scratch SQLite database with the demo data and an empty
production backlog, and the app with ``--backlog`` open jobs (orders made through the order
service, a few claimed by makers). Logs in the demo buyer, staff and the workshop tablet (with
a maker picked), then runs ``wrk -t1 -c16 -d<seconds> --latency`` against each page in turn,
interleaved over 3 rounds, and prints medians: req/s, p50, p99, the ratio to hello and, for the
pages that read the backlog, busy over empty. Targets from issue 9 are printed, not asserted.
Uses ``BENCH_REDIS_URL`` (default Redis database 13, flushed) as the broker; no worker runs.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from bench.documents import _free_port
from bench.run import REDIS_URL

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3
CONNECTIONS = 16
GUNICORN = ["-w", "2", "--worker-class", "sync", "--timeout", "120", "--log-level", "warning"]
BUYER = ("buyer@acme.test", "demo-buyer")
STAFF = ("staff@giftsofhope.test", "demo-staff")
WORKSHOP = ("workshop@giftsofhope.test", "demo-workshop")
BACKLOG_PAGES = ("staff dashboard", "load chart", "wizard: delivery")
WRK_MISSING = "wrk is not installed: sudo apt-get install wrk (or make system-deps as root)"


def hello() -> Flask:
    """The baseline: the smallest Flask app, served by the same gunicorn settings as the real one."""
    app = Flask("hello")
    app.add_url_rule("/", "hello", lambda: "Hello, World!")
    return app


def seed(backlog: int) -> None:
    """Fill a fresh database (run in the server's environment) and print what the pages need as JSON."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.models import Organisation, ProductionJob, Proof, User
    from app.seed import seed_demo
    from app.services import designs, orders, production
    from configurator.catalog import load_catalog
    from tests.app.factories import DesignFactory, ready_proof

    app = create_app()
    with app.app_context():
        upgrade()
        seed_demo()
        buyer = db.session.scalar(select(User).where(User.email == BUYER[0]))
        draft = designs.create_from_classic(buyer, "cosy-winter")
        reviewed = DesignFactory(created_by=buyer, organisation=buyer.organisation, name="Bench review")
        ready_proof(reviewed, real=True)  # a real render, in this process, before anything is measured
        other = db.session.scalar(select(Organisation).where(Organisation.name == "Globex Corporation"))
        other_buyer = db.session.scalar(select(User).where(User.organisation_id == other.id))
        classics = list(load_catalog().classics.values())
        n = 0
        while db.session.scalar(select(func.count(ProductionJob.id))) < backlog:
            # Another organisation's orders: the measured buyer's own pages stay the same.
            spec = classics[n % len(classics)].spec.replace(quantity=10 + (n * 7) % 150)
            design = DesignFactory(
                created_by=other_buyer,
                organisation=other,
                status="approved",
                name=f"Backlog {n}",
                spec=spec.to_dict(),
            )
            proof = Proof(
                design=design,
                version=1,
                spec=spec.to_dict(),
                spec_hash=spec.content_hash(),
                status="ready",
                render_key=f"backlog-{n}",
            )
            db.session.add(proof)
            db.session.flush()
            orders.create_from(other_buyer, proof)
            db.session.commit()
            n += 1
        makers = production.makers()
        if backlog:
            for maker in makers:  # a busy workshop: some jobs are in hand
                production.claim_next(maker)
        print(
            json.dumps(
                {
                    "draft": draft.id,
                    "reviewed": reviewed.id,
                    "maker": makers[0].id,
                    "jobs": db.session.scalar(select(func.count(ProductionJob.id))),
                    "orders": n,
                }
            )
        )


@dataclass
class Server:
    base: str
    facts: dict[str, int]
    cookies: dict[str, str]


def _env(folder: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("CELERY_EAGER", "DATABASE_URL")},
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "INSTANCE_PATH": str(folder / "instance"),
        "STORAGE_DIR": str(folder / "files"),
    }


@contextmanager
def gunicorn(target: str, env: dict[str, str], folder: Path):
    """A gunicorn on a free port, stopped (and waited for) on the way out; yields its base URL."""
    from tests.e2e.conftest import wait_for

    port = _free_port()
    with open(folder / "gunicorn.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{port}", target],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            try:
                wait_for(f"{base}/login" if target.startswith("app:") else base)  # /healthz is 503: no worker
            except TimeoutError:
                raise RuntimeError((folder / "gunicorn.log").read_text(errors="replace")[-3000:]) from None
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def login(base: str, email: str, password: str, maker: int | None = None) -> str:
    """Log in and return the Cookie header wrk sends; the workshop tablet also picks a maker."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login", timeout=30).read().decode()
    form = {"email": email, "password": password, "csrf_token": _csrf(page)}
    opener.open(f"{base}/login", data=urllib.parse.urlencode(form).encode(), timeout=30).read()
    if maker is not None:
        page = opener.open(f"{base}/board", timeout=30).read().decode()
        form = {"maker": str(maker), "csrf_token": _csrf(page)}
        opener.open(f"{base}/board/maker", data=urllib.parse.urlencode(form).encode(), timeout=30).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def check(url: str, cookie: str) -> None:
    """Refuse to measure a login page or an error page instead of the page meant."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        if response.status != 200 or response.url != url:
            raise RuntimeError(f"{url} answered {response.status} at {response.url}")


def pages(servers: dict[str, Server], steps: list[str]) -> dict[str, tuple[str, str]]:
    """Each measured page: label -> (URL, Cookie header)."""
    empty, busy = servers["empty"], servers["busy"]
    draft, reviewed = empty.facts["draft"], empty.facts["reviewed"]
    out = {"hello (bare Flask)": (servers["hello"].base + "/", "")}
    for slug in steps:
        out[f"wizard: {slug}"] = (f"{empty.base}/designs/{draft}/edit/{slug}", empty.cookies["buyer"])
    out["design list"] = (f"{empty.base}/designs", empty.cookies["buyer"])
    out["review page (ready proof)"] = (f"{empty.base}/designs/{reviewed}/review", empty.cookies["buyer"])
    out["maker board"] = (f"{empty.base}/board", empty.cookies["workshop"])
    out["staff dashboard"] = (f"{empty.base}/staff/", empty.cookies["staff"])
    out["load chart"] = (f"{empty.base}/staff/capacity", empty.cookies["staff"])
    out["busy: staff dashboard"] = (f"{busy.base}/staff/", busy.cookies["staff"])
    out["busy: load chart"] = (f"{busy.base}/staff/capacity", busy.cookies["staff"])
    out["busy: wizard: delivery"] = (
        f"{busy.base}/designs/{busy.facts['draft']}/edit/delivery",
        busy.cookies["buyer"],
    )
    return out


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def settle(url: str, cookie: str) -> None:
    """Wait until the server has answered what wrk left queued when it stopped.

    A sync worker still serves the requests of connections wrk closed; on a slow page those
    would run into the next measurement (and share the cores with it).
    """
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=600) as response:
        response.read()


def wrk(url: str, cookie: str, seconds: int) -> tuple[float, float, float, int, int]:
    """One wrk run: req/s, p50 ms, p99 ms, requests answered, and those not 2xx/3xx or failed."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "30s", *headers, url],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    settle(url, cookie)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    count = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return rps, p50, p99, count, bad + (sum(int(n) for n in errors.groups()) if errors else 0)


Figures = tuple[float, float, float, int, int]


def measure(targets: dict[str, tuple[str, str]], seconds: int) -> dict[str, Figures]:
    """Every page once per round, rounds interleaved so drift on a shared machine hits all alike."""
    samples: dict[str, list[Figures]] = {label: [] for label in targets}
    for n in range(ROUNDS):
        print(f"  round {n + 1}/{ROUNDS} ...", flush=True)
        for label, (url, cookie) in targets.items():
            samples[label].append(wrk(url, cookie, seconds))
    return {
        label: (
            statistics.median(s[0] for s in runs),
            statistics.median(s[1] for s in runs),
            statistics.median(s[2] for s in runs),
            sum(s[3] for s in runs),
            sum(s[4] for s in runs),
        )
        for label, runs in samples.items()
    }


def table(results: dict[str, Figures], backlog: int) -> None:
    hello_rps = results["hello (bare Flask)"][0]
    print(f"\nMedians of {ROUNDS} (wrk -t1 -c{CONNECTIONS}, gunicorn 2 sync workers, SQLite)")
    print(f"  {'page':<30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x hello':>8} {'answered':>9}  target")
    for label, (rps, p50, p99, count, bad) in results.items():
        note = f"   ({bad} failed or non-2xx/3xx)" if bad else ""
        if label.startswith("hello"):
            print(f"  {label:<30} {rps:8.1f} {p50:8.1f} {p99:8.1f} {'1.00':>8} {count:9}  baseline{note}")
            continue
        ratio = rps / hello_rps
        goal = "goal >= 0.20x, floor 0.10x, p99 <= 50 ms"
        verdict = (
            "goal met" if ratio >= 0.20 and p99 <= 50 else ("floor met" if ratio >= 0.10 else "below floor")
        )
        print(
            f"  {label:<30} {rps:8.1f} {p50:8.1f} {p99:8.1f} {ratio:8.3f} {count:9}  {goal}: {verdict}{note}"
        )
    print(f"\nBusy ({backlog} open jobs) / empty backlog, time per request (empty req/s / busy req/s), p99:")
    for label in BACKLOG_PAGES:
        empty, busy = results[label], results[f"busy: {label}"]
        ratio = empty[0] / busy[0] if busy[0] else float("inf")
        verdict = "met" if ratio <= 1.3 else "not met"
        print(f"  {label:<30} {ratio:7.2f}x   p99 {busy[2] / empty[2]:7.2f}x   target <= 1.3x: {verdict}")


def start(stack: ExitStack, name: str, backlog: int | None) -> Server:
    """A temporary folder and a gunicorn for one server (``backlog`` None: the hello baseline)."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"goh-bench-web-{name}-")))
    env = _env(folder)
    if backlog is None:
        return Server(stack.enter_context(gunicorn("bench.web:hello()", env, folder)), {}, {})
    seeded = subprocess.run(
        [sys.executable, "-c", f"from bench.web import seed; seed({backlog})"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    if seeded.returncode:
        raise RuntimeError(seeded.stderr[-3000:])
    facts = json.loads(seeded.stdout.strip().splitlines()[-1])
    base = stack.enter_context(gunicorn("app:create_app()", env, folder))
    cookies = {
        "buyer": login(base, *BUYER),
        "staff": login(base, *STAFF),
        "workshop": login(base, *WORKSHOP, maker=facts["maker"]),
    }
    print(
        f"  {name}: {facts['jobs']} jobs in {facts['orders']} backlog orders, serving at {base}", flush=True
    )
    return Server(base, facts, cookies)


def run(backlog: int = 2000, seconds: int = 5) -> None:
    """Start the servers, measure every page interleaved, print the table; everything is stopped after."""
    if shutil.which("wrk") is None:
        print(f"  ({WRK_MISSING}: page figures skipped)")
        return
    import redis

    from app.wizard.steps import STEPS
    from tests.services import reachable

    if not reachable(REDIS_URL, 6379):
        print(f"  (Redis not reachable at {REDIS_URL}: page figures skipped)")
        return
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    try:
        with ExitStack() as stack:
            servers = {
                "hello": start(stack, "hello", None),
                "empty": start(stack, "empty", 0),
                "busy": start(stack, "busy", backlog),
            }
            targets = pages(servers, [step.slug for step in STEPS])
            for url, cookie in targets.values():
                check(url, cookie)
            print(f"  {len(targets)} pages x {ROUNDS} rounds x {seconds} s", flush=True)
            table(measure(targets, seconds), backlog)
    finally:
        client.flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=2000, help="open production jobs on the busy server")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit(WRK_MISSING)
    print("Pages under gunicorn and wrk\n")
    run(args.backlog, args.seconds)


if __name__ == "__main__":
    main()
