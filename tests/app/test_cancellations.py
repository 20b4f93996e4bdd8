"""Cancelling an order: the buyer's side before production, staff after; a credit note, an audit event, e-mails."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, CreditNote, DocumentKind, Order, ProductionJob, User
from app.models.outbox import OutboxMessage
from app.services import cancellations, documents, orders, payments, production
from app.services.errors import Conflict
from configurator.cancellation import STAFF_ONLY
from configurator.pricing import money
from configurator.states import OrderStatus
from tests.app.factories import MakerFactory, StaffFactory, UserFactory, make_order, pay
from tests.app.journeys import Browser
from tests.app.racing import race, racing_app
from tests.app.test_documents import pdf_text, rows, sent, web_process  # noqa: F401 - fixtures

ROUNDS = 10


def fresh(order_id: int) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def mail(event: str = "order_cancelled") -> dict[str, OutboxMessage]:
    found = db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event))
    return {m.to_addr: m for m in found}


def test_the_buyer_cancels_before_production_and_gets_a_numbered_credit_note(app, browser):
    order, staff = make_order(), StaffFactory()
    buyer = order.design.created_by
    pay(order, "100.00")
    browser.login(buyer.email)
    page = browser.get(f"/orders/{order.id}").text
    assert "Cancelling now costs nothing: production has not started." in page
    assert "the $100.00 paid is refunded" in page

    refused = browser.post(f"/orders/{order.id}/cancel", {"reason": "  "})
    assert refused.status_code == 422
    assert 'id="reason-error">Tell us why the order is cancelled.' in refused.text
    assert fresh(order.id).status == OrderStatus.CONFIRMED

    done = browser.post(f"/orders/{order.id}/cancel", {"reason": "Our event was called off."})
    assert done.status_code == 302
    assert fresh(order.id).status == OrderStatus.CANCELLED
    note = db.session.scalars(select(CreditNote)).one()
    total = Decimal(order.quote["total"])
    assert (note.reference, note.amount, note.charge, note.refund) == (
        "CN-000001",
        total,
        Decimal("0.00"),
        Decimal("100.00"),
    )
    events = {e.action: e.detail for e in db.session.scalars(select(AuditEvent))}
    assert events["order.cancel"]["reason"] == "Our event was called off."
    assert events["order.cancel"]["before"] == "confirmed"
    assert events["credit_note.issued"]["credit_note"] == 1
    sent_to = mail()
    assert {buyer.email, staff.email} <= set(sent_to)  # the buyer, and every member of staff
    assert "Credit note CN-000001 credits" in sent_to[buyer.email].body
    assert "Our event was called off." in sent_to[staff.email].body
    assert f"/staff/orders/{order.id}" in sent_to[staff.email].body

    page = browser.get(f"/orders/{order.id}").text
    assert "Credit note CN-000001" in page and "Download credit note CN-000001 (PDF)" in page
    assert "Cancel this order" not in page
    staff_browser = Browser(app.test_client())
    staff_browser.login(staff.email)
    staff_page = staff_browser.get(f"/staff/orders/{order.id}").text
    assert "Credit note CN-000001" in staff_page and "Reason: Our event was called off." in staff_page


def test_an_approver_of_the_organisation_may_cancel_but_another_organisation_may_not(app):
    order = make_order()
    approver = UserFactory(organisation=order.organisation, role="approver")
    stranger = UserFactory()
    with pytest.raises(Exception, match="Only the order's organisation"):
        cancellations.cancel(stranger, order, "Not mine.")
    assert cancellations.cancel(approver, fresh(order.id), "Budget withdrawn.") is not None


def test_after_production_starts_the_buyer_is_told_only_staff_can_cancel(browser):
    order, staff = make_order(), StaffFactory()
    production.staff_advance(staff, order, "start_production")
    browser.login(order.design.created_by.email)
    page = browser.get(f"/orders/{order.id}").text
    assert STAFF_ONLY.split(":")[0] in page and 'name="reason"' not in page
    answer = browser.post(
        f"/orders/{order.id}/cancel", {"reason": "Changed our mind."}, follow_redirects=True
    )
    assert STAFF_ONLY.split(":")[0] in answer.text
    assert fresh(order.id).status == OrderStatus.IN_PRODUCTION
    assert db.session.scalars(select(CreditNote)).first() is None
    assert mail() == {}


def test_staff_cancel_after_production_starts_with_a_reason_the_buyer_reads(browser):
    order, staff = make_order(), StaffFactory()
    production.staff_advance(staff, order, "start_production")
    browser.login(staff.email)
    page = browser.get(f"/staff/orders/{order.id}").text
    assert "Cancel this order" in page and f'action="/staff/orders/{order.id}/cancel"' in page
    assert browser.post(f"/staff/orders/{order.id}/cancel", {"reason": ""}).status_code == 422
    assert browser.post(f"/staff/orders/{order.id}/cancel").status_code == 422
    answer = browser.post(f"/staff/orders/{order.id}/cancel", {"reason": "Materials could not be sourced."})
    assert answer.status_code == 302
    assert fresh(order.id).status == OrderStatus.CANCELLED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "order.cancel"))
    assert event.detail == {
        "before": "in_production",
        "after": "cancelled",
        "reason": "Materials could not be sourced.",
    }
    assert event.actor_id == staff.id
    buyer_mail = mail()[order.design.created_by.email]
    assert (
        "by Gifts of Hope staff" in buyer_mail.body and "Materials could not be sourced." in buyer_mail.body
    )
    assert staff.email not in mail()  # not told of their own cancellation


def test_staff_buttons_no_longer_cancel_without_a_reason(app):
    order, staff = make_order(), StaffFactory()
    assert "cancel" not in production.order_actions(order)
    with pytest.raises(Conflict, match="Give a reason"):
        production.staff_advance(staff, order, "cancel")


def test_a_shipped_order_cannot_be_cancelled_by_anyone(app):
    order, staff = make_order(), StaffFactory()
    buyer = order.design.created_by
    production.staff_advance(staff, order, "start_production")
    order = fresh(order.id)
    order.status = OrderStatus.SHIPPED  # as the workshop leaves it
    db.session.commit()
    assert cancellations.offer(buyer, order) is None
    with pytest.raises(Conflict, match="shipped; it cannot cancel"):
        cancellations.cancel(staff, order, "Too late.")


def test_the_credit_note_pdf_is_laid_out_by_the_worker(app, browser, sent):  # noqa: F811
    order, staff = make_order(), StaffFactory()
    cancellations.cancel(staff, order, "The venue closed.")
    browser.login(order.design.created_by.email)
    url = f"/orders/{order.id}/credit-note.pdf"
    with web_process():
        assert browser.get(url).status_code == 202
    (document,) = rows(DocumentKind.CREDIT_NOTE)
    documents.render(document.id)
    served = browser.get(url)
    assert served.mimetype == "application/pdf"
    text = pdf_text(served.data)
    assert "Credit note CN-000001" in text and "Credits invoice INV-000001" in text
    assert "The venue closed." in text and order.reference in text
    assert f"${float(order.quote['total']):,.2f}" in text
    other = Browser(app.test_client())
    other.login(UserFactory().email)  # another organisation
    assert other.get(url).status_code == 404


@pytest.mark.real_commits  # racers on connections of their own
def test_a_buyer_cancelling_while_staff_start_production_never_leaves_a_cancelled_order_in_production(
    app, capsys
):
    foreman = StaffFactory().id
    tally = {"cancelled": 0, "started": 0, "both": 0, "neither": 0}
    with racing_app(app, 2) as racers:
        for _ in range(ROUNDS):
            order = make_order()
            order_id, buyer = order.id, order.design.created_by_id
            db.session.remove()

            def cancel(order_id=order_id, buyer=buyer):
                return cancellations.cancel(
                    db.session.get(User, buyer), db.session.get(Order, order_id), "Off."
                )

            def start(order_id=order_id):
                staff, found = db.session.get(User, foreman), db.session.get(Order, order_id)
                return production.staff_advance(staff, found, "start_production")

            cancelled, started = race(racers, cancel, start)
            status = fresh(order_id).status
            notes = db.session.scalars(select(CreditNote).join(CreditNote.invoice)).all()
            won_cancel = isinstance(cancelled, CreditNote)
            won_start = started is None
            tally["cancelled"] += won_cancel and not won_start
            tally["started"] += won_start and not won_cancel
            tally["both"] += won_cancel and won_start
            tally["neither"] += not (won_cancel or won_start)
            if won_cancel:
                assert status == OrderStatus.CANCELLED and isinstance(started, Conflict)
            if won_start:
                assert status == OrderStatus.IN_PRODUCTION and isinstance(cancelled, Conflict)
                assert str(cancelled) in (
                    STAFF_ONLY,
                    "Someone else changed this order a moment ago; nothing was changed. Reload to see it.",
                )
            assert len([n for n in notes if n.invoice.order_id == order_id]) == int(won_cancel)
            db.session.remove()
    with capsys.disabled():
        print(
            f"\n  cancel vs start, {ROUNDS} rounds on {app.config['SQLALCHEMY_DATABASE_URI'][:10]}: {tally}"
        )
    assert tally["both"] == 0 and tally["neither"] == 0


@pytest.mark.real_commits
def test_credit_notes_of_cancellations_at_once_never_repeat_or_skip_and_an_order_gets_one(app):
    staff = [StaffFactory().id for _ in range(3)]
    order_ids = [make_order().id for _ in range(2)]
    db.session.remove()

    def cancel(staff_id: int, order_id: int):
        def act() -> int:
            note = cancellations.cancel(
                db.session.get(User, staff_id), db.session.get(Order, order_id), "Called off."
            )
            assert note is not None
            return note.number

        return act

    with racing_app(app, 3) as racers:
        # two orders cancelled at once, and the first of them a second time by a third person
        results = race(
            racers,
            cancel(staff[0], order_ids[0]),
            cancel(staff[1], order_ids[1]),
            cancel(staff[2], order_ids[0]),
        )
    assert sorted(r for r in results if isinstance(r, int)) == [1, 2], results
    assert [type(r) for r in results if not isinstance(r, int)] == [Conflict]
    db.session.expire_all()
    assert sorted(db.session.scalars(select(CreditNote.number))) == [1, 2]
    assert {fresh(i).status for i in order_ids} == {OrderStatus.CANCELLED}


def test_a_payment_after_the_cancellation_is_refused_and_the_refund_counts_what_was_paid(app):
    order, staff = make_order(), StaffFactory()
    pay(order, "40.00")
    note = cancellations.cancel(staff, order, "Called off.")
    assert note is not None and note.refund == Decimal("40.00")
    with pytest.raises(Conflict, match="cancelled"):
        payments.record_payment(staff, fresh(order.id), "10", production.today(), "card", "")


def test_staff_cancelling_after_work_was_done_charge_it_and_a_job_in_hand_leaves_the_maker(app):
    order, staff, maker = make_order(), StaffFactory(), MakerFactory()
    first = production.claim_next(maker)
    production.act(maker, first.id, first.claim_token, "start")  # production starts with the first job
    production.act(maker, first.id, first.claim_token, "finish")
    held = production.claim_next(maker)
    order = fresh(order.id)
    done, minutes = orders.progress(order)
    assert order.status == OrderStatus.IN_PRODUCTION and 0 < done < minutes
    note = cancellations.cancel(staff, order, "Client went into administration.")
    total = Decimal(order.quote["total"])
    assert note.charge == money(total * done / minutes) and note.amount == total - note.charge
    db.session.expire_all()
    assert db.session.get(ProductionJob, held.id).maker_id is None
    assert production.claim_next(maker) is None
