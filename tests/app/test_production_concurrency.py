"""Claiming under real concurrency: every job is claimed exactly once, on PostgreSQL and SQLite.

PostgreSQL: 50 threads, each with its own app context, session and connection, race over
1,000 jobs (``FOR UPDATE SKIP LOCKED``). SQLite: several processes, each with its own engine,
race over one database file (the single conditional ``UPDATE``). The figures are printed.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, insert, select

from app import create_app
from app.extensions import db
from app.models import AuditEvent, ProductionJob, User
from app.services import production
from app.services.errors import Conflict
from tests.app.factories import make_order

JOBS = 1000
CLAIMERS = 50
ORDERS = 10


def _fill_queue(jobs: int) -> list[int]:
    """Orders whose jobs are all 'make' jobs (no stage waits), ``jobs`` in all."""
    order_ids = []
    for _ in range(ORDERS):
        order = make_order(quantity=10)
        db.session.execute(ProductionJob.__table__.delete().where(ProductionJob.order_id == order.id))
        order_ids.append(order.id)
    db.session.execute(
        insert(ProductionJob),
        [
            {
                "order_id": order_ids[n % ORDERS],
                "kind": "make",
                "title": f"Make job {n}",
                "quantity": 1,
                "maker_minutes": 10,
                "priority": n % 7,
            }
            for n in range(jobs)
        ],
    )
    db.session.commit()
    return order_ids


def _makers(count: int) -> list[int]:
    ids = [production.add_maker(None, f"Maker {n:02d}").id for n in range(count)]
    db.session.commit()
    return ids


def _check_exactly_once(claims: dict[int, list[int]], jobs: int, orders: list[int]) -> None:
    everything = [job for got in claims.values() for job in got]
    duplicates = [job for job, n in Counter(everything).items() if n > 1]
    assert duplicates == []
    assert len(everything) == jobs
    db.session.expire_all()
    rows = db.session.execute(select(ProductionJob.id, ProductionJob.maker_id, ProductionJob.status)).all()
    assert {status for _, _, status in rows} == {"claimed"}
    holder = {job: maker for maker, got in claims.items() for job in got}
    assert all(holder[job] == maker for job, maker, _ in rows)  # the DB agrees with each claimer
    claims_audited = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "job.claim")
    )
    assert claims_audited == jobs
    starts = db.session.scalars(
        select(AuditEvent.subject).where(AuditEvent.action == "order.start_production")
    ).all()
    assert sorted(starts) == sorted(f"order:{o}" for o in orders)  # each order started exactly once


def _report(capsys: pytest.CaptureFixture[str], what: str, jobs: int, seconds: float) -> None:
    with capsys.disabled():
        print(
            f"\n  {what}: {jobs} jobs claimed exactly once in {seconds:.2f} s ({jobs / seconds:.0f} claims/s)"
        )


@pytest.mark.real_commits  # 50 threads, each with a connection of its own
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_fifty_claimers_on_postgresql(app, capsys):
    orders = _fill_queue(JOBS)
    makers = _makers(CLAIMERS)
    racers = create_app(
        {**_config_of(app), "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": CLAIMERS + 2, "max_overflow": 0}},
        env=_env_of(app),
    )
    claims: dict[int, list[int]] = {m: [] for m in makers}
    errors: list[BaseException] = []
    start = threading.Barrier(CLAIMERS)

    def claimer(maker_id: int) -> None:
        try:
            with racers.app_context():
                maker = db.session.get(User, maker_id)
                start.wait()
                while (job := production.claim_next(maker)) is not None:
                    claims[maker_id].append(job.id)
                db.session.remove()
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(m,)) for m in makers]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    elapsed = time.perf_counter() - began
    with racers.app_context():
        db.engine.dispose()
    assert errors == []
    _check_exactly_once(claims, JOBS, orders)
    assert sum(1 for got in claims.values() if got) > CLAIMERS // 2  # they really raced
    _report(capsys, f"PostgreSQL, {CLAIMERS} threads", JOBS, elapsed)


def _config_of(app) -> dict[str, object]:
    keys = ("TESTING", "SQLALCHEMY_DATABASE_URI", "STORAGE_DIR", "PUBLIC_URL", "SECRET_KEY", "INSTANCE_PATH")
    return {k: app.config[k] for k in keys if k in app.config}


def _env_of(app) -> dict[str, str]:
    return {"INSTANCE_PATH": app.config["INSTANCE_PATH"], "CELERY_EAGER": "1"}


def _claim_in_process(config: dict[str, object], env: dict[str, str], maker_id: int, start, results) -> None:
    """A separate process with its own engine: claim until the queue is empty."""
    app = create_app(config, env=env)
    got: list[int] = []
    with app.app_context():
        maker = db.session.get(User, maker_id)
        start.wait()
        while (job := production.claim_next(maker)) is not None:
            got.append(job.id)
        db.session.remove()
        db.engine.dispose()
    results.put((maker_id, got))


@pytest.mark.real_commits  # processes, each with an engine of its own
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_several_processes_on_sqlite(app, capsys):
    processes, jobs = 6, 300
    orders = _fill_queue(jobs)
    makers = _makers(processes)
    db.session.remove()
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(processes + 1), ctx.Queue()
    workers = [
        ctx.Process(target=_claim_in_process, args=(_config_of(app), _env_of(app), m, start, results))
        for m in makers
    ]
    for w in workers:
        w.start()
    start.wait(timeout=120)  # every process has built its app: now they race
    began = time.perf_counter()
    claims = dict(results.get(timeout=300) for _ in workers)
    elapsed = time.perf_counter() - began
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    _check_exactly_once(claims, jobs, orders)
    _report(capsys, f"SQLite, {processes} processes", jobs, elapsed)


def test_a_stale_token_cannot_move_a_job_after_a_reclaim(app):
    make_order(quantity=10)
    first, second = _makers(2)
    first, second = db.session.get(User, first), db.session.get(User, second)
    job = production.claim_next(first)
    stale = job.claim_token
    production.act(first, job.id, stale, "release")
    again = None
    while (claimed := production.claim_next(second)) is not None:  # the second maker takes everything
        again = claimed if claimed.id == job.id else again
    assert again is not None and again.claim_token != stale
    for action in ("start", "release", "report_problem", "finish"):
        with pytest.raises(Conflict):
            production.act(first, job.id, stale, action, problem="x")
