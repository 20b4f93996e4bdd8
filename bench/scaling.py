"""Throughput as worker processes are added: a burst of proofs rendered by 1, 2 and 4 processes.

    .venv/bin/python -m bench.scaling [--proofs 40]

Each burst is new proofs (no render key already stored), queued at once on the same Redis, timed
from the first enqueue to the last proof ready. Prints proofs per second and the ratio to one
process measured in the same run. On a machine of N cores, processes beyond N add nothing:
a render is CPU-bound (layout, rasterising, PNG encoding).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.run import REDIS_URL, Pipeline, report

PROCESSES = (1, 2, 4)


def burst(p: Pipeline, processes: int, proofs: int, first: int) -> float:
    """Proofs per second of one burst on ``processes`` worker processes."""
    from app.services import proofs as service

    p.start_worker(concurrency=processes)
    ids = [p.submit(first + i) for i in range(proofs)]
    started = time.perf_counter()
    for proof_id in ids:
        service.enqueue_render(proof_id)
    p.wait_ready(ids, poll=0.05)  # a light poll: the workers need every core
    return proofs / (time.perf_counter() - started)


def run(proofs: int = 40, rounds: int = 3) -> dict[int, float]:
    from tests.services import reachable

    if not reachable(REDIS_URL, 6379):
        print(f"  (Redis not reachable at {REDIS_URL}: worker scaling skipped)")
        return {}
    rates: dict[int, list[float]] = {n: [] for n in PROCESSES}
    with tempfile.TemporaryDirectory(prefix="goh-scaling-") as tmp:
        p = Pipeline(Path(tmp))
        try:
            p.start_worker(concurrency=1)
            p.wait_ready([p.submit(10**6)])  # the first render of a process warms caches: not timed
            serial = 0
            for _ in range(rounds):  # interleaved, so a machine that slows down hurts each alike
                for n in PROCESSES:
                    serial += proofs
                    rates[n].append(burst(p, n, proofs, 10**6 + serial))
        finally:
            p.stop_worker()
            p.ctx.pop()
    medians = {n: statistics.median(r) for n, r in rates.items()}
    cores = os.cpu_count() or 1
    for n, rate in medians.items():
        ratio = rate / medians[1]
        target = "baseline" if n == 1 else (">= 1.8x of 1" if n == 2 else "")
        report(f"burst of {proofs} proofs, {n} worker process{'es' if n > 1 else ''}", 1000 / rate, target,
               f"{rate:5.1f} proofs/s, {ratio:4.2f}x of 1 process ({cores} cores)")  # fmt: skip
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proofs", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("Worker scaling (medians of bursts, ms per proof)\n")
    run(args.proofs, args.rounds)


if __name__ == "__main__":
    main()
