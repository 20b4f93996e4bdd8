"""A maker's finish against a staff release or reassign at the same instant, on both databases.

Before every job change became one conditional UPDATE, staff wrote the row they had read: a job
finished a moment earlier went back to the queue with no maker and would have been made twice
(both sides succeeded in about a third of the rounds). Now exactly one side wins, the other is
told in plain words, and the row agrees with the audit trail. The figures are printed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ProductionJob, User
from app.services import production
from app.services.errors import Conflict
from tests.app.factories import StaffFactory, WorkshopFactory, make_order, pseudonym
from tests.app.journeys import Browser
from tests.app.racing import race, racing_app

ROUNDS = 20
STAFF_MOVES = {"release": "job.staff_release", "reassign": "job.assign"}
STAFF_WORDS = {
    "release": "Staff took this job back to the queue a moment ago; nothing was changed.",
    "reassign": "Staff gave this job to Willow a moment ago; nothing was changed.",
}


def _job_in_progress(river: User) -> tuple[int, str]:
    make_order(quantity=10)
    job = production.claim_next(river)
    production.act(river, job.id, job.claim_token, "start")
    return job.id, job.claim_token


@pytest.mark.real_commits  # racers on connections of their own
@pytest.mark.parametrize("move", ["release", "reassign"])
def test_a_finish_is_never_undone_by_a_staff_move(app, capsys, move):
    staff, river, willow = StaffFactory(), pseudonym("River"), pseudonym("Willow")
    ids = {"staff": staff.id, "river": river.id, "willow": willow.id}
    tally = {"finish won": 0, "staff won": 0, "both succeeded": 0, "lost finishes": 0}
    outcomes = []
    with racing_app(app, 2) as racers:
        for _ in range(ROUNDS):
            job_id, token = _job_in_progress(db.session.get(User, ids["river"]))
            db.session.remove()

            def finish(job_id=job_id, token=token):
                return production.act(db.session.get(User, ids["river"]), job_id, token, "finish")

            def staff_move(job_id=job_id):
                who = db.session.get(User, ids["staff"])
                if move == "release":
                    return production.release(who, job_id)
                return production.assign(who, job_id, ids["willow"])

            finished, moved = race(racers, finish, staff_move)
            assert all(isinstance(o, ProductionJob | Conflict) for o in (finished, moved)), (finished, moved)
            finish_ok, move_ok = not isinstance(finished, Conflict), not isinstance(moved, Conflict)
            job = db.session.get(ProductionJob, job_id)
            tally["both succeeded"] += finish_ok and move_ok
            tally["lost finishes"] += finish_ok and job.status != "done"
            tally["finish won"] += finish_ok and not move_ok
            tally["staff won"] += move_ok and not finish_ok
            outcomes.append((finished, moved, job.status, job.maker_id, _events(job_id)))
            db.session.remove()
    with capsys.disabled():
        print(
            f"\n  finish vs {move}, {ROUNDS} rounds on {app.config['SQLALCHEMY_DATABASE_URI'][:10]}: {tally}"
        )
    assert tally["lost finishes"] == 0 and tally["both succeeded"] == 0
    assert tally["finish won"] + tally["staff won"] == ROUNDS
    for finished, moved, status, maker, events in outcomes:  # the row agrees with the audit trail
        if isinstance(moved, Conflict):
            assert str(moved) == "River finished this job a moment ago; nothing was changed."
            assert (status, maker, events[-1]) == ("done", ids["river"], "job.finish")
        else:
            assert str(finished) == STAFF_WORDS[move]
            expected = ("queued", None) if move == "release" else ("claimed", ids["willow"])
            assert (status, maker, events[-1]) == (*expected, STAFF_MOVES[move])
            assert "job.finish" not in events


def _events(job_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.subject == f"job:{job_id}").order_by(AuditEvent.id)
        )
    )


def test_the_loser_reads_what_happened_on_the_staff_page_and_the_board(app):
    """Both sides act on the page they loaded; the one that comes second reads a sentence, not a 500."""
    staff, river = StaffFactory(), pseudonym("River")
    job_id, token = _job_in_progress(river)
    desk, tablet = Browser(app.test_client()), Browser(app.test_client())
    desk.login(staff.email)
    tablet.login(WorkshopFactory().email)
    tablet.post("/board/maker", {"maker": river.id})
    done = {"token": token, "quantity_done": db.session.get(ProductionJob, job_id).quantity}
    finished = tablet.post(f"/board/jobs/{job_id}/finish", done, follow_redirects=True)
    assert finished.status_code == 200
    released = desk.post(f"/staff/jobs/{job_id}/release", follow_redirects=True)
    assert released.status_code == 200
    assert "River finished this job a moment ago; nothing was changed." in released.text
    assert db.session.get(ProductionJob, job_id).status == "done"

    job_id, token = _job_in_progress(river)
    assert desk.post(f"/staff/jobs/{job_id}/release").status_code == 302
    board = tablet.post(
        f"/board/jobs/{job_id}/finish", {"token": token, "quantity_done": 1}, follow_redirects=True
    )
    assert board.status_code == 200
    assert "Staff took this job back to the queue a moment ago; nothing was changed." in board.text
    db.session.expire_all()
    assert db.session.get(ProductionJob, job_id).status == "queued"
