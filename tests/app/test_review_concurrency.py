"""Two decisions on one proof at the same moment: one order, no crash, nothing lost.

Each decision reads where the proof stands, then writes. Without serialising, a buyer and staff
approving together each saw only their own approval (no order, the design stuck), and a
double-clicked approve whose buyer had already approved made two orders (a 500 on the unique
order per design). The threads here are held at a barrier after reading, before writing.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, Proof, Review, User
from app.services import reviews
from app.services.errors import Conflict
from app.services.reviews import decisions
from tests.app.factories import DesignFactory, StaffFactory
from tests.app.review_support import ready_proof


def _race(app, monkeypatch, deciders: list[int], proof_id: int) -> list[object]:
    barrier = threading.Barrier(len(deciders), timeout=20)
    real_conclude = decisions._conclude

    first_calls = iter(range(len(deciders)))
    lock = threading.Lock()

    def held(*args, **kwargs):
        with lock:
            first = next(first_calls, None) is not None
        if first:  # a retry after losing the race runs alone, without waiting
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()  # every thread has read the proof's state and added its review
        return real_conclude(*args, **kwargs)

    monkeypatch.setattr(decisions, "_conclude", held)
    results: list[object] = []

    def run(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                proof = db.session.get(Proof, proof_id)
                results.append(reviews.decide(user, proof, proof.version, "approve", ""))
            except Exception as exc:  # the test reports what went wrong
                results.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(uid,)) for uid in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    barrier.abort()
    return results


@pytest.mark.parametrize("case", ["buyer_and_staff_together", "staff_double_click"])
def test_simultaneous_approvals_make_exactly_one_order(app, monkeypatch, case):
    design = DesignFactory(status="submitted")
    proof = ready_proof(design)
    buyer, staff = design.created_by, StaffFactory()
    if case == "buyer_and_staff_together":
        deciders = [buyer.id, staff.id]
    else:
        reviews.decide(buyer, proof, proof.version, "approve", "")
        deciders = [staff.id, staff.id]
    proof_id = proof.id
    db.session.remove()

    results = _race(app, monkeypatch, deciders, proof_id)

    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)], results
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    approvals = db.session.scalars(select(Review.side).where(Review.proof_id == proof_id)).all()
    assert sorted(approvals) == ["buyer", "staff"]
