"""A Hypothesis state machine drives real orders through the services on the real database.

Makers claim, start, pause, finish (sometimes short), give back and report problems, with
current or stale tokens; staff release, reassign, press any order button and ship. However
the actions interleave, the order and its jobs stay in legal states, the order only ever
moves through ``ORDER``, and every move of the order is in the audit trail.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Order, ProductionJob, User
from app.models.production import Shipment
from app.services import production
from app.services.errors import ServiceError
from app.services.production import quality
from configurator.states import JOB, ORDER
from configurator.vocabulary import QualityMark
from tests.app.factories import StaffFactory, make_order

ORDER_BUTTONS = [*production.MANUAL_ORDER_ACTIONS, "ship", "explode"]


class OrderWorld(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.order_id = make_order(quantity=10, monogram="AB").id
        self.staff = StaffFactory()
        self.makers = [production.add_maker(None, f"M{n}-{self.order_id}") for n in range(2)]
        db.session.commit()
        self.stale: list[tuple[int, int, str]] = []  # (maker, job, token) that once were valid

    def teardown(self) -> None:
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()

    def _attempt(self, call, *args, **kwargs) -> None:
        """Any refusal is fine (a domain error): the state must stay legal either way."""
        try:
            call(*args, **kwargs)
        except ServiceError:
            db.session.rollback()
        db.session.expire_all()

    def _jobs(self) -> list[ProductionJob]:
        db.session.expire_all()
        return list(db.session.scalars(select(ProductionJob).where(ProductionJob.order_id == self.order_id)))

    def _order(self) -> Order:
        db.session.expire_all()
        return db.session.get(Order, self.order_id)

    @rule(who=st.integers(0, 1))
    def claim(self, who: int) -> None:
        self._attempt(production.claim_next, self.makers[who])

    @rule()
    def staff_takes_the_next_step(self) -> None:
        """Pack what passed quality check, ship what is packed, deliver what is shipped."""
        order = self._order()
        if order.status == "packed":
            self._attempt(production.ship, self.staff, order, "UPS", "1Z999AA2", 10)
        elif order.status in ("quality_check", "shipped"):
            if order.status == "quality_check":
                for line in quality.lines_of(order):
                    self._attempt(quality.mark_line, self.staff, order, line.key, QualityMark.TICKED)
            step = "pack" if order.status == "quality_check" else "deliver"
            self._attempt(production.staff_advance, self.staff, self._order(), step)

    @rule(pick=st.integers(0, 20))
    def staff_takes_a_tick_back(self, pick: int) -> None:
        order = self._order()
        lines = quality.lines_of(order)
        self._attempt(quality.clear_line, self.staff, order, lines[pick % len(lines)].key)

    @rule(who=st.integers(0, 1), short=st.sampled_from([False, False, False, True]))
    def maker_does_the_next_job(self, who: int, short: bool) -> None:
        """Claim, start and finish in one go, so walks get through the whole order."""
        maker = self.makers[who]
        job = production.claim_next(maker)
        if job is None:
            return
        made = job.quantity - 1 if short and job.quantity > 1 else None
        self._attempt(production.act, maker, job.id, job.claim_token, "start")
        self._attempt(production.act, maker, job.id, job.claim_token, "finish", made)

    @rule(
        action=st.sampled_from(["start", "pause", "finish", "release", "report_problem"]),
        pick=st.integers(0, 20),
        short=st.booleans(),
        reason=st.sampled_from(["material", "other", ""]),
    )
    def maker_acts(self, action: str, pick: int, short: bool, reason: str) -> None:
        held = [j for j in self._jobs() if j.maker_id is not None and j.status in production.HELD]
        if not held:
            return
        job = held[pick % len(held)]
        maker = db.session.get(User, job.maker_id)
        self.stale.append((maker.id, job.id, job.claim_token))
        made = max(job.quantity - 1, 0) if short else None
        self._attempt(production.act, maker, job.id, job.claim_token, action, made, reason, "words")

    @rule(pick=st.integers(0, 50), action=st.sampled_from(["start", "finish", "release"]))
    def stale_holder_acts(self, pick: int, action: str) -> None:
        if not self.stale:
            return
        maker_id, job_id, token = self.stale[pick % len(self.stale)]
        job = db.session.get(ProductionJob, job_id)
        before = (job.status, job.maker_id, job.claim_token)
        current = job.maker_id == maker_id and job.claim_token == token
        self._attempt(production.act, db.session.get(User, maker_id), job_id, token, action)
        if not current:  # a stale token never moves a job
            job = db.session.get(ProductionJob, job_id)
            assert (job.status, job.maker_id, job.claim_token) == before

    @rule(pick=st.integers(0, 20), who=st.integers(0, 1), release=st.booleans())
    def staff_moves_a_job(self, pick: int, who: int, release: bool) -> None:
        jobs = self._jobs()
        job = jobs[pick % len(jobs)]
        if release:
            self._attempt(production.release, self.staff, job.id)
        else:
            self._attempt(production.assign, self.staff, job.id, self.makers[who].id)

    @rule(action=st.sampled_from(ORDER_BUTTONS))
    def staff_presses(self, action: str) -> None:
        if action == "ship":
            self._attempt(production.ship, self.staff, self._order(), "UPS", "1Z999AA1", 10)
        else:
            self._attempt(production.staff_advance, self.staff, self._order(), action)

    @invariant()
    def jobs_are_legal(self) -> None:
        for job in self._jobs():
            assert job.status in JOB.states
            assert 0 <= job.quantity_done <= job.quantity
            if job.status == "queued":
                assert job.maker_id is None and job.claim_token is None
            if job.status in production.HELD:
                assert job.maker_id is not None and job.claim_token
            if job.status == "problem":
                assert job.problem

    @invariant()
    def order_moves_only_through_the_machine_and_every_move_is_audited(self) -> None:
        order = self._order()
        assert order.status in ORDER.states
        moves = db.session.execute(
            select(AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.subject == f"order:{order.id}", AuditEvent.action.like("order.%"))
            .order_by(AuditEvent.id)
        ).all()
        state = "confirmed"
        for action, detail in moves:
            name = action.removeprefix("order.")
            if name in ORDER.actions:
                assert detail["before"] == state
                state = ORDER.next(state, name)
                assert detail["after"] == state
        assert state == order.status

    @invariant()
    def nothing_is_packed_with_a_line_of_its_check_unsettled(self) -> None:
        order = self._order()
        if order.status in ("packed", "shipped", "delivered"):
            assert quality.refusal_to_pack(order) is None
        if order.status in ("confirmed", "in_production"):  # sent back: the reworked boxes are checked again
            assert quality.quality_checklist(order).settled == 0

    @invariant()
    def later_stages_mean_the_work_is_done(self) -> None:
        order = self._order()
        if order.status in ("quality_check", "packed", "shipped", "delivered"):
            assert all(j.status == "done" for j in self._jobs())
        shipped = db.session.scalars(select(Shipment).where(Shipment.order_id == order.id)).all()
        assert bool(shipped) == (
            order.status in ("shipped", "delivered") or (order.status == "cancelled" and bool(shipped))
        )


def test_no_sequence_of_actions_reaches_an_illegal_state(app):
    run_state_machine_as_test(
        OrderWorld,
        settings=settings(
            max_examples=25,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
