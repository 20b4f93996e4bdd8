"""The worker figures alone (about a minute): ``.venv/bin/python -m bench.burst [rounds]``.

Submit -> ready with one warm worker, then bursts of 40 proofs on two worker processes,
repeated and printed as medians, with ``bench.run``'s pipeline (Redis database 13, the
``goh_bench`` PostgreSQL database). For iterating on the burst; ``make bench`` prints every
figure with its baselines.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from pathlib import Path

from bench.run import REDIS_URL, Pipeline
from bench.scaling import burst


def _task_times(p: Pipeline) -> str:
    """Median and total of the task times the workers logged since the last call."""
    logs = sorted(p.folder.glob("worker-*.log"))
    times = [float(t) for t in re.findall(r"succeeded in ([0-9.]+)s", logs[-1].read_text(errors="replace"))]
    new, p.seen = times[getattr(p, "seen", 0) :], len(times)
    if not new:
        return "no task times logged"
    return f"{len(new)} tasks, median {statistics.median(new) * 1000:.0f} ms, sum {sum(new):.1f} s"


def main(rounds: int = 3) -> None:
    from tests.services import reachable

    if not reachable(REDIS_URL, 6379):
        raise SystemExit(f"Redis not reachable at {REDIS_URL}")
    with tempfile.TemporaryDirectory(prefix="goh-burst-") as tmp:
        p = Pipeline(Path(tmp))
        try:
            p.start_worker(concurrency=1)
            p.submit_to_ready_ms(999)  # the first after start is measured by bench.run
            _task_times(p)
            samples = [p.submit_to_ready_ms(i) for i in range(15)]
            print(
                f"  submit -> ready, warm worker:   {statistics.median(samples):7.1f} ms median (<= 250); {_task_times(p)}"
            )
            bursts = []
            for r in range(rounds):
                rate = burst(p, 2, 40, 10_000 * (r + 1))
                bursts.append(40 / rate * 1000)
                print(f"  burst {r + 1}: {bursts[-1]:7.1f} ms; {_task_times(p)}", flush=True)
            print(f"  burst of 40, 2 worker processes: {statistics.median(bursts):7.1f} ms median (<= 5000)")
        finally:
            p.stop_worker()
            p.ctx.pop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
