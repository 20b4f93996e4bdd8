"""Two decisions on one proof at the same moment: one order, no crash, nothing lost.

Each decision reads where the proof stands, then writes. Without serialising, a buyer and staff
approving together each saw only their own approval (no order, the design stuck), and a
double-clicked approve whose buyer had already approved made two orders (a 500 on the unique
order per design). The threads here are held at a barrier after reading, before writing.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Design, Order, Proof, Review, Role, User
from app.services import reviews
from app.services.errors import Conflict, ServiceError
from app.services.reviews import decisions
from tests.app.factories import DesignFactory, StaffFactory, UserFactory, ready_proof
from tests.app.journeys import Browser
from tests.app.racing import race, racing_app


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


@pytest.mark.real_commits  # threads with connections of their own
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


ROUNDS = 20


def _tally_print(capsys, app, what: str, tally: dict[str, int]) -> None:
    with capsys.disabled():
        print(f"\n  {what}, {ROUNDS} rounds on {app.config['SQLALCHEMY_DATABASE_URI'][:10]}: {tally}")


@pytest.mark.real_commits  # racers on connections of their own
@pytest.mark.parametrize("rule", ["no approval rule", "above the approval threshold"])
def test_buyer_approver_and_staff_approving_at_one_instant_make_one_order(app, capsys, rule):
    """Every approval is recorded and exactly one order results, whichever lands first.

    Above the threshold the buyer's approval is a colleague's (it counts only with the approver's):
    before, when it landed first the other two collided twice and one was refused, so no order.
    """
    tally = {"one order": 0, "no order": 0, "refused": 0, "server errors": 0}
    failures = []
    with racing_app(app, 3) as racers:
        for _ in range(ROUNDS):
            design = DesignFactory(status="submitted")
            proof = ready_proof(design)
            approver = UserFactory(role=Role.APPROVER, organisation=design.organisation)
            if rule != "no approval rule":
                design.organisation.approval_threshold = Decimal("1.00")
                db.session.commit()
            deciders = [design.created_by_id, approver.id, StaffFactory().id]
            proof_id = proof.id
            db.session.remove()

            def approve(user_id: int, proof_id: int = proof_id) -> object:
                proof = db.session.get(Proof, proof_id)
                return reviews.decide(db.session.get(User, user_id), proof, proof.version, "approve", "")

            results = race(racers, *(functools.partial(approve, uid) for uid in deciders))
            orders = db.session.scalar(
                select(func.count()).select_from(Order).where(Order.proof_id == proof_id)
            )
            approved = db.session.scalars(
                select(Review.user_id).where(Review.proof_id == proof_id, Review.decision == "approve")
            ).all()
            tally["one order"] += orders == 1
            tally["no order"] += orders == 0
            tally["refused"] += sum(isinstance(r, ServiceError) for r in results)
            tally["server errors"] += sum(
                isinstance(r, Exception) and not isinstance(r, ServiceError) for r in results
            )
            if (
                orders != 1
                or sorted(approved) != sorted(deciders)
                or any(isinstance(r, Exception) for r in results)
            ):
                failures.append((results, orders, approved))
            db.session.remove()
    _tally_print(capsys, app, f"buyer, approver and staff approve together ({rule})", tally)
    assert failures == []
    assert tally["one order"] == ROUNDS


@pytest.mark.real_commits  # racers on connections of their own
def test_changes_requested_while_staff_approve_end_one_way_only(app, capsys):
    """The approver approved earlier; now the buyer asks for changes as staff approve the same version.

    Either the staff approval lands first (one order; the request for changes is refused in plain
    words) or the request does (back to draft, no order; the approval is refused). Never both.
    """
    tally = {"order": 0, "changes requested": 0, "both": 0, "server errors": 0}
    failures = []
    with racing_app(app, 2) as racers:
        for _ in range(ROUNDS):
            design = DesignFactory(status="submitted")
            proof = ready_proof(design)
            approver = UserFactory(role=Role.APPROVER, organisation=design.organisation)
            reviews.decide(approver, proof, proof.version, "approve", "")
            ids, proof_id = {"buyer": design.created_by_id, "staff": StaffFactory().id}, proof.id
            design_id = design.id
            db.session.remove()

            def decide(who: str, decision: str, comment: str, proof_id: int = proof_id, ids=ids) -> object:
                proof = db.session.get(Proof, proof_id)
                return reviews.decide(db.session.get(User, ids[who]), proof, proof.version, decision, comment)

            changes, approval = race(
                racers,
                functools.partial(decide, "buyer", "request_changes", "Please make the ribbon teal."),
                functools.partial(decide, "staff", "approve", ""),
            )
            design = db.session.get(Design, design_id)
            orders = db.session.scalar(
                select(func.count()).select_from(Order).where(Order.proof_id == proof_id)
            )
            asked = db.session.scalar(
                select(func.count())
                .select_from(Review)
                .where(Review.proof_id == proof_id, Review.decision == "request_changes")
            )
            errors = [
                r for r in (changes, approval) if isinstance(r, Exception) and not isinstance(r, ServiceError)
            ]
            tally["server errors"] += len(errors)
            tally["order"] += orders == 1 and not asked
            tally["changes requested"] += orders == 0 and asked == 1
            tally["both"] += orders == 1 and asked > 0
            one_way = (orders, asked, design.status) in ((1, 0, "ordered"), (0, 1, "draft"))
            refused = [r for r in (changes, approval) if isinstance(r, ServiceError)]
            plain = len(refused) == 1 and str(refused[0]).startswith(
                ("Both sides have approved", "Changes were asked")
            )
            if errors or not one_way or not plain:
                failures.append((changes, approval, orders, asked, design.status))
            db.session.remove()
    _tally_print(capsys, app, "request changes vs staff approve", tally)
    assert failures == []


def test_an_approval_that_arrives_just_after_the_order_is_recorded_and_shows_the_order(app):
    """The approver clicks on the page they loaded; buyer and staff made the order a moment before."""
    design = DesignFactory(status="submitted")
    proof = ready_proof(design)
    approver = UserFactory(role=Role.APPROVER, organisation=design.organisation)
    page = Browser(app.test_client())
    page.login(approver.email)
    reviews.decide(design.created_by, proof, proof.version, "approve", "")
    order = reviews.decide(StaffFactory(), proof, proof.version, "approve", "")
    late = page.post(f"/proofs/{proof.id}/decision", {"version": proof.version, "decision": "approve"})
    assert late.status_code == 302 and late.location.endswith(f"/orders/{order.id}")
    db.session.expire_all()
    assert approver.id in db.session.scalars(select(Review.user_id).where(Review.proof_id == proof.id)).all()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    changes = page.post(
        f"/proofs/{proof.id}/decision",
        {"version": proof.version, "decision": "request_changes", "comment": "Teal ribbon"},
        follow_redirects=True,
    )
    assert changes.status_code == 200 and "your request for changes was not recorded" in changes.text
