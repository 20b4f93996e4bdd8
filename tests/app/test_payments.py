"""Staff record payments; a large order waits for its deposit before production and its balance before shipping."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import AuditEvent, Invoice, Order, Payment
from app.services import cancellations, orders, payments, production, quotes
from app.services.errors import Conflict, Forbidden, Invalid
from configurator.payments import DEFAULT_DEPOSIT
from configurator.states import OrderStatus
from configurator.vocabulary import PaymentMethod, PaymentSource
from tests.app.factories import DepositSettingFactory, StaffFactory, UserFactory, make_order, pay, pseudonym


@pytest.fixture
def large(app):
    """Every order asks for a 50% deposit (as orders above the staff's amount do)."""
    DepositSettingFactory()
    return app


def invoice_of(order: Order) -> Invoice:
    return db.session.scalars(select(Invoice).where(Invoice.order_id == order.id)).one()


def test_a_small_order_asks_for_no_deposit_and_starts_at_once(app):
    order = make_order(quantity=10)
    invoice = invoice_of(order)
    assert invoice.total < DEFAULT_DEPOSIT.above
    assert (invoice.deposit, invoice.deposit_percent) == (0, 0)
    production.staff_advance(StaffFactory(), order, "start_production")
    assert db.session.get(Order, order.id).status == OrderStatus.IN_PRODUCTION


def test_staff_record_a_payment_and_it_is_audited(large):
    order, staff = make_order(quantity=10), StaffFactory()
    invoice = invoice_of(order)
    assert invoice.deposit == (invoice.total / 2).quantize(Decimal("0.01")) and invoice.deposit_percent == 50
    today = production.today()
    payment = payments.record_payment(
        staff, order, f"{invoice.deposit}", today, "cheque", "  Cheque  001234 "
    )
    assert (payment.amount, payment.method, payment.reference) == (
        invoice.deposit,
        PaymentMethod.CHEQUE,
        "Cheque 001234",
    )
    assert (payment.provider, payment.provider_reference, payment.recorded_by_id) == (
        PaymentSource.MANUAL,
        None,
        staff.id,
    )
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment.recorded")).one()
    assert (event.subject, event.actor_id, event.organisation_id) == (
        f"order:{order.id}",
        staff.id,
        order.organisation_id,
    )
    assert event.detail == {
        "invoice": invoice.number,
        "payment": payment.id,
        "amount": str(invoice.deposit),
        "method": "cheque",
        "provider": "manual",
    }
    entry = [e for e in production.timeline(order) if e.what == "Payment recorded"]
    assert entry and entry[0].detail == f"${invoice.deposit:,.2f} by cheque"
    page = payments.money_page(order, today)
    assert (page.paid, page.due) == (invoice.deposit, invoice.total - invoice.deposit)


def test_a_wrong_payment_is_refused_at_its_field_and_nothing_is_saved(large):
    order, staff = make_order(quantity=10), StaffFactory()
    invoice, today = invoice_of(order), production.today()
    cases = {
        ("0", today, "cheque", ""): {"amount": "Enter an amount above $0.00."},
        (str(invoice.total + 1), today, "card", ""): {
            "amount": f"Enter at most ${invoice.total:,.2f}: that is what is still due on this invoice."
        },
        ("10", today + timedelta(days=1), "card", ""): {
            "received_on": "Enter the day the money arrived: today or earlier."
        },
        ("10", None, "bitcoin", "x" * 81): {
            "received_on": "Enter the day the money arrived.",
            "method": "Choose how the money was paid from the list.",
            "reference": "Keep the reference to 80 characters.",
        },
    }
    for (amount, day, method, reference), expected in cases.items():
        with pytest.raises(Invalid) as refused:
            payments.record_payment(staff, order, amount, day, method, reference)
        assert refused.value.violations == expected
    assert db.session.scalar(select(Payment.id)) is None
    with pytest.raises(Forbidden):
        payments.record_payment(UserFactory(), order, "10", today, "card", "")


def test_a_paid_invoice_or_a_cancelled_order_takes_no_payment(large):
    order, staff = make_order(quantity=10), StaffFactory()
    pay(order, invoice_of(order).total)
    with pytest.raises(Invalid, match="paid in full"):
        payments.record_payment(staff, order, "1", production.today(), "card", "")
    other = make_order(quantity=10)
    cancellations.cancel(staff, other, "The event moved.")
    with pytest.raises(Conflict, match="cancelled"):
        payments.record_payment(staff, other, "1", production.today(), "card", "")


def test_production_waits_for_the_deposit_on_the_staff_button_and_the_makers_board(large):
    order, staff, river = make_order(quantity=10), StaffFactory(), pseudonym("River")
    invoice = invoice_of(order)
    sentence = f"A 50% deposit of ${invoice.deposit:,.2f} must be recorded before production starts."
    assert "start_production" not in production.order_actions(order)
    with pytest.raises(Conflict) as refused:
        production.staff_advance(staff, order, "start_production")
    assert str(refused.value) == sentence
    assert production.claim_next(river) is None  # its jobs are nobody's work yet
    pay(order, invoice.deposit - Decimal("0.01"))
    assert production.claim_next(river) is None
    pay(order, "0.01")
    job = production.claim_next(river)
    assert job is not None and job.order_id == order.id
    assert db.session.get(Order, order.id).status == OrderStatus.IN_PRODUCTION


def test_shipping_waits_for_the_balance(large):
    order, staff = make_order(quantity=10), StaffFactory()
    invoice = invoice_of(order)
    pay(order)
    db.session.execute(update(Order).where(Order.id == order.id).values(status=OrderStatus.PACKED))
    db.session.commit()
    order = db.session.get(Order, order.id)
    balance = invoice.total - invoice.deposit
    sentence = f"The balance of ${balance:,.2f} must be recorded before the order ships."
    assert production.ship_held(order) == sentence and not production.can_ship(order, 10)
    with pytest.raises(Conflict) as refused:
        production.ship(staff, order, "UPS", "1Z999")
    assert str(refused.value) == sentence
    assert production.shipments(order) == []
    pay(order, balance)
    order = db.session.get(Order, order.id)
    assert production.ship_held(order) is None and production.can_ship(order, 10)
    assert production.ship(staff, order, "UPS", "1Z999").boxes == 10


def test_a_move_decided_on_a_stale_read_changes_nothing(app):
    """The order UPDATE holds on the status it was read with."""
    order = make_order(quantity=10)
    stale = db.session.get(Order, order.id)
    db.session.execute(
        update(Order)
        .where(Order.id == order.id)
        .values(status=OrderStatus.CANCELLED)
        .execution_options(synchronize_session=False)  # another staff member's move, unseen by this one
    )
    with pytest.raises(Conflict, match="Someone else changed this order a moment ago"):
        orders.advance(stale, "start_production", None)


def test_the_order_pages_show_paid_due_and_what_is_needed_next(large, browser):
    order, staff = make_order(quantity=10), StaffFactory()
    invoice = invoice_of(order)
    buyer = UserFactory(organisation=order.organisation)
    browser.login(buyer.email)
    page = browser.get(f"/orders/{order.id}").text
    needed = f"A 50% deposit of ${invoice.deposit:,.2f} must be recorded before production starts."
    assert needed in page and "Still due" in page and "Record a payment" not in page
    browser.post("/logout", {})
    browser.login(staff.email)
    page = browser.get(f"/staff/orders/{order.id}").text
    assert needed in page and f'action="/staff/orders/{order.id}/payments"' in page
    refused = browser.post(
        f"/staff/orders/{order.id}/payments",
        {"amount": "99999999", "received_on": production.today().isoformat(), "method": "bank_transfer"},
    )
    assert refused.status_code == 422 and "what is still due on this invoice" in refused.text
    done = browser.post(
        f"/staff/orders/{order.id}/payments",
        {
            "amount": str(invoice.deposit),
            "received_on": production.today().isoformat(),
            "method": "bank_transfer",
            "reference": "ACME-77",
        },
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("#payments")
    page = browser.get(f"/staff/orders/{order.id}").text
    assert f"Recorded ${invoice.deposit:,.2f} received on" in page and "ACME-77" in page
    assert (
        f"The balance of ${invoice.total - invoice.deposit:,.2f} must be recorded before the order ships."
        in page
    )


def test_an_overdue_invoice_is_flagged_in_the_staff_inbox_until_it_is_paid(app, browser):
    order, staff = make_order(quantity=10), StaffFactory()
    invoice = invoice_of(order)
    invoice.due_on = production.today() - timedelta(days=3)
    db.session.commit()
    pay(order, "10.00")
    browser.login(staff.email)
    page = browser.get("/staff/").text
    assert f"Invoice {invoice.reference} ({order.organisation.name}) is overdue" in page
    assert (
        f"${invoice.total - 10:,.2f} of ${invoice.total:,.2f} is still to pay for order {order.reference}."
        in page
    )
    assert f'href="/staff/orders/{order.id}#payments"' in page
    pay(order, invoice.total - 10)
    assert payments.overdue(production.today()) == []
    assert "is overdue" not in browser.get("/staff/").text


def test_the_quote_and_the_invoice_state_the_deposit_once(large):
    order = make_order(quantity=10)
    invoice = invoice_of(order)
    said = (
        f"This order asks for a 50% deposit of ${invoice.deposit:,.2f} before production starts, "
        "and the balance before it ships."
    )
    assert sum(said in term for term in quotes.invoice_inputs(invoice)["terms"]) == 1
    assert sum(said in term for term in quotes.quote_inputs(order.design)["terms"]) == 1


def test_staff_set_the_deposit_for_orders_confirmed_from_then_on(app, browser):
    before = invoice_of(make_order(quantity=10))
    staff = StaffFactory()
    browser.login(staff.email)
    refused = browser.post("/staff/billing", {"above": "-1", "percent": "150"})
    assert refused.status_code == 422
    assert (
        "Enter an amount in dollars from $0 up" in refused.text
        and "Enter a percentage from 0 to 100" in refused.text
    )
    assert browser.post("/staff/billing", {"above": "100", "percent": "30"}).status_code == 302
    assert "ask for a 30% deposit" in browser.get("/staff/billing").text
    after = invoice_of(make_order(quantity=10))
    assert (before.deposit_percent, after.deposit_percent) == (0, 30)
    assert after.deposit == (after.total * Decimal("0.3")).quantize(Decimal("0.01"))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.deposit")).one()
    assert event.actor_id == staff.id and event.detail == {
        "above": ["5000.00", "100.00"],
        "percent": ["50.00", "30.00"],
    }
    with pytest.raises(Forbidden):
        payments.save_deposit_rule(UserFactory(), "1", "1")


def test_a_start_allowed_by_payments_that_are_gone_by_its_update_changes_nothing(large, monkeypatch):
    """The order UPDATE also holds on what was paid when the move was allowed."""
    order = make_order(quantity=10)
    payment = pay(order)
    allowed = payments.hold(order, "start_production")
    assert allowed.refusal is None and allowed.still_true
    db.session.delete(payment)  # what no flow does today (a refund would be a payment of its own)
    db.session.flush()
    monkeypatch.setattr(payments, "hold", lambda *_: allowed)  # the read before the payment went
    with pytest.raises(Conflict, match="Someone else changed this order a moment ago"):
        orders.advance(db.session.get(Order, order.id), "start_production", None)
    assert db.session.get(Order, order.id).status == OrderStatus.CONFIRMED
