"""Proof pipeline benchmark: ``make bench`` or ``.venv/bin/python -m bench.run``.

Prints medians (machines are noisy) and, for each figure, its target and its ratio to the
baselines measured in the same run: the naive render (fresh process, no warm-up, no caches,
no logo pre-scaling) and a warm headless Chromium printing the same HTML. Needs Redis
(``BENCH_REDIS_URL``, default database 13, flushed) for the worker figures and Chromium for
the browser baseline; each is skipped with a note when missing. Includes ``bench.cardbook``
(1,000 different cards into one card book, beside its own baselines). Ends with ``bench.web``:
the pages under gunicorn and wrk (skipped with a note when wrk is missing).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/goh_bench")
rows: list[tuple[str, float, str, str]] = []


def report(name: str, ms: float, target: str = "", note: str = "") -> None:
    rows.append((name, ms, target, note))
    print(f"  {name:<52} {ms:>9.1f} ms  {target:<10} {note}", flush=True)


# --- pure renders, in this (warm) process -------------------------------------------------


def pure_renders() -> dict[str, float]:
    from bench.common import logo_png, median_ms, typical_request, typical_spec
    from configurator.catalog import load_catalog
    from proofs.logo import printing as logo_printing
    from proofs.pdf import render_proof_files
    from proofs.preview import preview_key, render_preview
    from proofs.warmup import warm_up

    warm = warm_up()
    report("warm-up at worker start (once)", warm * 1000)
    catalog = load_catalog()
    logo_2000, logo_6000 = logo_png(2000, 800), logo_png(6000)
    base = typical_request(catalog)
    spec0 = base.spec

    def typical(i: int, logo: bytes = logo_2000) -> None:
        render_proof_files(dataclasses.replace(base, spec=typical_spec(catalog, i), logo_png=logo))

    out = {"typical": median_ms(typical, 15, warm=2)}
    report("typical proof (PDF + 1600x1200 PNG, 2000 px logo)", out["typical"], "<= 200")
    out["big"] = median_ms(lambda i: typical(i, logo_6000), 15, warm=1)
    report(
        "same with a 6000x6000 logo (scaled once)",
        out["big"],
        "<= 1.2x",
        f"{out['big'] / out['typical']:.2f}x typical",
    )

    def first_sight(i: int) -> None:
        logo_printing.clear_cache()
        typical(i, logo_6000)

    out["first_sight"] = median_ms(first_sight, 3, warm=0)
    report("  6000x6000 logo seen for the first time", out["first_sight"], "", "decode + scale once per logo")

    from PIL import Image  # noqa: F401 - imported above by the renderer anyway

    out["preview_miss"] = median_ms(
        lambda i: render_preview(typical_spec(catalog, i), catalog, logo_png=logo_2000), 15, warm=2
    )
    report("preview 800x600, cache miss", out["preview_miss"], "< 150")
    store = {preview_key(spec0, "0" * 64): render_preview(spec0, catalog, logo_png=logo_2000)}
    out["preview_hit"] = median_ms(lambda i: store[preview_key(spec0, "0" * 64)], 50, warm=2)
    report("preview, cache hit (key + lookup)", out["preview_hit"], "")
    return out


# --- logo intake of hostile files: refused fast (the tests check that they are refused) ----


def logo_intake() -> None:
    from bench.common import median_ms
    from proofs.logo import LogoError, intake_logo
    from proofs.logo import svg as logo_svg
    from tests.proofs import logo_corpus as corpus

    def refused(data: bytes, name: str) -> None:
        try:
            intake_logo(data, name)
        except LogoError:
            return
        raise AssertionError(f"{name} was accepted")

    hostile = {
        "PNG header claiming 100000x100000 px": (
            corpus.png_header_only(100_000, 100_000),
            "bomb.png",
            "< 500",
        ),
        "JPEG header claiming 65000x65000 px": (corpus.jpeg_claiming(65_000, 65_000), "bomb.jpg", "< 500"),
        "SVG nested 10,000 levels deep": (corpus.nested_groups(10_000), "logo.svg", "< 1000"),
        "SVG with 100,000 elements": (corpus.many_elements(100_000), "logo.svg", "< 1000"),
        "SVG <use> bomb": (corpus.use_bomb(), "logo.svg", "< 1000"),
        "DOCTYPE and 250,000 spaces": (b"<!DOCTYPE" + b" " * 250_000, "logo.svg", "< 1000"),
        "CSS with 200,000 url( runs": (
            corpus.svg("<style>" + "url(" * 200_000 + "</style>"),
            "logo.svg",
            "< 1000",
        ),
    }
    for label, (data, name, target) in hostile.items():
        report(f"refuse {label}", median_ms(lambda _i, d=data, n=name: refused(d, n), 5), target)
    size = corpus.svg("", 'viewBox="0 0 9 9" width="' + "1" * 200_000 + 'x"')
    report(
        "SVG with a 200,000-digit width, size ignored",
        median_ms(lambda _i: logo_svg.prepare_svg(size), 5),
        "< 1000",
    )


# --- baselines ------------------------------------------------------------------------------


def naive(side: int, n: int = 3) -> float:
    samples = []
    for _ in range(n):
        proc = subprocess.run(
            [sys.executable, "-m", "bench.naive", str(side)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(float(proc.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def chromium() -> float | None:
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        print("  (chromium not installed: browser baseline skipped)")
        return None
    from bench.chromium import median_print_ms, self_contained_html
    from bench.common import logo_png, typical_request
    from configurator.catalog import load_catalog
    from proofs import pdf
    from proofs.logo import prepare_logo
    from proofs.mockup import compose

    catalog = load_catalog()
    raw = logo_png(2000, 800)
    request = typical_request(catalog, logo=raw)
    logo = prepare_logo(raw, request.spec.logo_width_in)
    canvas = compose(request.spec, catalog, pdf.MOCKUP_SIZE, logo.image())
    doc = pdf.ProofPages(request, mockup=pdf._jpeg(canvas), logo=logo)
    return median_print_ms(executable, self_contained_html(doc))


# --- the pipeline with real workers on Redis -------------------------------------------------


def _database(folder: Path) -> str:
    """PostgreSQL as in production (a fresh ``goh_bench`` database); SQLite when it is not there."""
    from tests.services import reachable

    if not reachable(DATABASE_URL, 5432):
        print(f"  (PostgreSQL not reachable at {DATABASE_URL}: using SQLite, expect lock waits)")
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    import psycopg

    base, _, name = DATABASE_URL.replace("postgresql+psycopg", "postgresql").rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return DATABASE_URL


class Pipeline:
    """An app on SQLite + Redis in a temporary folder, and Celery workers started on demand."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "CELERY_EAGER"},
            "DATABASE_URL": _database(folder),
            "REDIS_URL": REDIS_URL,
            "INSTANCE_PATH": str(folder / "instance"),
            "STORAGE_DIR": str(folder / "files"),
        }
        os.environ.update(self.env)
        os.environ.pop("CELERY_EAGER", None)
        import redis
        from flask_migrate import upgrade

        from app import create_app

        redis.Redis.from_url(REDIS_URL).flushdb()
        self.app = create_app()
        self.ctx = self.app.app_context()
        self.ctx.push()
        upgrade()
        self._buyer_and_logo()
        self.worker: subprocess.Popen | None = None

    def _buyer_and_logo(self) -> None:
        import hashlib

        from app.extensions import db
        from app.models.branding import Logo
        from app.storage import storage
        from bench.common import logo_png
        from tests.app.factories import UserFactory

        self.buyer = UserFactory()
        png = logo_png(2000, 800)
        self.logo_id = hashlib.sha256(png).hexdigest()
        storage().put(f"logos/{self.logo_id}.png", png)
        db.session.add(
            Logo(
                organisation_id=self.buyer.organisation_id,
                uploaded_by_id=self.buyer.id,
                sha256=self.logo_id,
                filename="logo.png",
                original_format="png",
                width_px=2000,
                height_px=800,
                colours=[],
            )
        )
        db.session.commit()

    def submit(self, n: int) -> int:
        from app.services import designs
        from bench.common import typical_spec
        from configurator.catalog import load_catalog
        from configurator.spec import BoxSpec

        design = designs.create_from_classic(self.buyer, "cosy-winter")
        base = BoxSpec.from_dict(design.spec)
        wanted = typical_spec(load_catalog(), n)
        spec = base.replace(
            message=wanted.message, sign_off=wanted.sign_off, quantity=25, logo_id=self.logo_id, monogram="AE"
        )
        designs.commit_spec(design, spec)
        return designs.submit(design, self.buyer, design.revision).id

    def wait_ready(self, ids: list[int], timeout: float = 120, poll: float = 0.002) -> None:
        from sqlalchemy import func, select

        from app.extensions import db
        from app.models import Proof

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = db.session.scalar(
                select(func.count()).where(Proof.id.in_(ids), Proof.status.in_(("ready", "failed")))
            )
            db.session.rollback()
            if done == len(ids):
                failed = db.session.scalars(
                    select(Proof.failure_reason).where(Proof.id.in_(ids), Proof.status == "failed")
                ).all()
                db.session.rollback()
                if failed:
                    raise RuntimeError(f"proofs failed: {failed[:3]}")
                return
            time.sleep(poll)
        raise TimeoutError("proofs not ready in time")

    def start_worker(self, concurrency: int) -> float:
        """Start a worker and return the seconds until it says it is ready."""
        self.stop_worker()
        log = self.folder / f"worker-{time.monotonic_ns()}.log"
        started = time.monotonic()
        with open(log, "wb") as handle:
            self.worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "worker", "worker", f"--concurrency={concurrency}",
                 "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT,
            )  # fmt: skip
        while time.monotonic() - started < 120:
            if re.search(r"celery@\S+ ready\.", log.read_text(errors="replace")):
                return time.monotonic() - started
            if self.worker.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")[-2000:])
            time.sleep(0.01)
        raise TimeoutError("worker did not start")

    def stop_worker(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
        self.worker = None

    def submit_to_ready_ms(self, n: int) -> float:
        from app.services import proofs

        started = time.perf_counter()
        proof_id = self.submit(n)
        proofs.enqueue_render(proof_id)
        self.wait_ready([proof_id])
        return (time.perf_counter() - started) * 1000

    def cache_hit_ms(self, proof_id: int) -> float:
        from app.extensions import db
        from app.models import Proof
        from app.services import proofs
        from configurator.states import PROOF

        proof = db.session.get(Proof, proof_id)
        proof.status = PROOF.next(proof.status, "requeue")
        db.session.commit()
        started = time.perf_counter()
        proofs.render(proof_id)  # the files for this render key are stored: nothing is drawn
        return (time.perf_counter() - started) * 1000


def pipeline() -> dict[str, float]:
    from tests.services import reachable

    if not reachable(REDIS_URL, 6379):
        print(f"  (Redis not reachable at {REDIS_URL}: worker figures skipped)")
        return {}
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="goh-bench-") as tmp:
        p = Pipeline(Path(tmp))
        try:
            first_samples, start_samples = [], []
            for i in range(3):
                start_samples.append(p.start_worker(concurrency=1))
                first_samples.append(p.submit_to_ready_ms(1000 + i))
            out["worker_start"] = statistics.median(start_samples) * 1000
            report("worker start until ready (incl. warm-up)", out["worker_start"], "")
            out["first"] = statistics.median(first_samples)
            report("first proof after worker start (submit -> ready)", out["first"], "<= 1500")

            samples = [p.submit_to_ready_ms(i) for i in range(15)]
            out["submit_ready"] = statistics.median(samples)
            report("submit -> ready, warm worker on Redis", out["submit_ready"], "<= 250")

            from app.extensions import db
            from app.models import Proof

            last = db.session.scalars(db.select(Proof.id).where(Proof.status == "ready")).all()[-1]
            db.session.rollback()
            out["cache_hit"] = statistics.median([p.cache_hit_ms(last) for _ in range(15)])
            report("cache hit (render key already stored)", out["cache_hit"], "<= 10")

        finally:
            p.stop_worker()
            p.ctx.pop()
    return out


def preview_endpoint() -> dict[str, float]:
    """The wizard's preview URL through Flask and storage: a new choice (miss), then the same again (hit)."""
    from app import create_app
    from app.extensions import db
    from app.models import Organisation, Role
    from app.services import designs, previews
    from app.services.accounts import create_user
    from bench.common import median_ms
    from configurator.spec import BoxSpec

    with tempfile.TemporaryDirectory(prefix="goh-preview-") as tmp:
        env = {
            "INSTANCE_PATH": tmp,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "STORAGE_DIR": f"{tmp}/files",
        }
        app = create_app({"WTF_CSRF_ENABLED": False}, env=env)
        with app.app_context():
            db.create_all()
            buyer = create_user(
                "bench@example.test", "bench-password", Role.BUYER, "Bench", Organisation(name="Bench")
            )
            db.session.commit()
            design = designs.create_from_classic(buyer, "cosy-winter")
            base = BoxSpec.from_dict(design.spec)
            palette = ["teal", "navy", "coral", "mustard", "charcoal", "plum", "blush"]
            candidates = [
                previews.remember(
                    base.replace(
                        message=f"Preview {i}",
                        items=(base.items[0].__class__("infinity-scarf", palette[i % 7], 1), *base.items[1:]),
                    )
                )
                for i in range(40)
            ]
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = buyer.get_id()  # id and session generation
                session["_fresh"] = True
            url = f"/designs/{design.id}/preview/{{}}.png"

            def miss(i: int) -> None:
                assert client.get(url.format(candidates[i])).status_code == 200

            def hit(_: int) -> None:
                assert client.get(url.format(candidates[0])).status_code == 200

            out = {"miss": median_ms(miss, 30, warm=3), "hit": median_ms(hit, 30, warm=2)}
    report("wizard preview endpoint, new choice (cache miss)", out["miss"], "< 150")
    report("wizard preview endpoint, same choice again (hit)", out["hit"], "< 10")
    return out


def main() -> None:
    print("Proof pipeline benchmark (medians)\n")
    print("Pure renders, warm process:")
    pure = pure_renders()
    print("\nLogo intake, hostile files:")
    logo_intake()
    print("\nWizard preview, through Flask and storage:")
    preview_endpoint()
    print("\nBaselines, measured now:")
    naive_typical = naive(2000)
    report("naive render, 2000 px logo (cold process)", naive_typical, "baseline")
    naive_big = naive(6000)
    report("naive render, 6000x6000 logo (cold process)", naive_big, "baseline")
    browser = chromium()
    if browser is not None:
        report("warm headless Chromium printing the same HTML", browser, "baseline")
    print()
    from bench import cardbook

    cardbook.run()  # its own baselines: naive per-card WeasyPrint and a 1,000-page Chromium print
    print("\nPipeline, real workers on Redis:")
    piped = pipeline()
    if piped:
        from bench.documents import measure

        measure(ROOT, "Approval record request, gunicorn, served from storage", rounds=3)
        print("\nWorker scaling, bursts of new proofs on 1, 2 and 4 processes:")
        from bench import scaling

        scaling.run()
    print("\nPages under gunicorn and wrk (4 minutes or more):")
    from bench import web

    web.run()

    print("\nRatios (lower is better):")
    print(f"  typical / naive render            {pure['typical'] / naive_typical:6.2f}x")
    print(f"  6000 px logo / naive 6000 px      {pure['big'] / naive_big:6.2f}x")
    print(f"  6000 px logo / typical            {pure['big'] / pure['typical']:6.2f}x   (target <= 1.2x)")
    if browser is not None:
        print(f"  typical / warm Chromium           {pure['typical'] / browser:6.2f}x")
    if piped:
        print(f"  first proof after start / naive   {piped['first'] / naive_typical:6.2f}x")
        print(f"  submit -> ready / typical render  {piped['submit_ready'] / pure['typical']:6.2f}x")
        print(f"  cache hit / typical render        {piped['cache_hit'] / pure['typical']:6.3f}x")


if __name__ == "__main__":
    main()
