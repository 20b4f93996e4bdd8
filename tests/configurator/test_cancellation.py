"""What cancelling costs: nothing before production, the work done after; the credit note and refund add up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from configurator.billing import EXPORT_DAYS_MAX, check_export_period
from configurator.cancellation import REASON_MAX, cancellation_terms, check_reason
from configurator.states import OrderStatus

TODAY = date(2026, 6, 30)
cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)


def test_before_production_cancelling_costs_nothing_and_the_whole_invoice_is_credited():
    terms = cancellation_terms(OrderStatus.CONFIRMED, Decimal("1000.00"), Decimal("500.00"), 0, 600)
    assert (terms.charge, terms.credit, terms.refund) == (0, Decimal("1000.00"), Decimal("500.00"))
    assert terms.sentence() == (
        "Cancelling now costs nothing: production has not started. A credit note of $1,000.00 "
        "cancels the invoice, and the $500.00 paid is refunded."
    )


def test_after_production_starts_the_makers_work_done_is_charged():
    terms = cancellation_terms(OrderStatus.IN_PRODUCTION, Decimal("1000.00"), Decimal("0.00"), 200, 600)
    assert (terms.charge, terms.credit, terms.still_owed) == (
        Decimal("333.33"),
        Decimal("666.67"),
        Decimal("333.33"),
    )
    assert "$333.33 of the charge is still to pay" in terms.sentence()


@given(
    total=cents,
    paid_share=st.fractions(0, 1),
    done=st.integers(0, 10_000),
    minutes=st.integers(0, 10_000),
    status=st.sampled_from(list(OrderStatus)),
)
def test_charge_and_credit_make_the_invoice_and_the_refund_never_exceeds_what_was_paid(
    total, paid_share, done, minutes, status
):
    paid = (total * Decimal(paid_share.numerator) / Decimal(paid_share.denominator)).quantize(Decimal("0.01"))
    paid = min(paid, total)
    terms = cancellation_terms(status, total, paid, done, minutes)
    assert 0 <= terms.charge <= total and terms.charge + terms.credit == total
    assert 0 <= terms.refund <= paid and terms.refund - terms.still_owed == paid - terms.charge
    assert terms.charge == terms.charge.quantize(Decimal("0.01"))


def test_a_reason_is_required_short_and_printable():
    assert check_reason("  The event   moved ") == ("The event moved", "")
    assert check_reason("   ")[1] == "Tell us why the order is cancelled."
    assert "500 characters" in check_reason("x" * (REASON_MAX + 1))[1]
    assert "hidden character" in check_reason("moved\u202e")[1]


def test_the_export_period_is_a_year_at_most_and_says_what_is_wrong_at_the_field():
    assert check_export_period(date(2026, 1, 1), date(2026, 3, 31), TODAY) == {}
    assert set(check_export_period(None, None, TODAY)) == {"start", "end"}
    assert check_export_period(date(2026, 3, 1), date(2026, 2, 1), TODAY) == {
        "end": "End on or after the first day."
    }
    assert check_export_period(date(2026, 7, 1), date(2026, 7, 2), TODAY)["start"].startswith(
        "Start on today"
    )
    longest = check_export_period(date(2025, 1, 1), date(2025, 1, 1).replace(year=2026), TODAY)
    assert longest == {} and EXPORT_DAYS_MAX == 366
    assert check_export_period(date(2024, 1, 1), date(2025, 1, 1), TODAY) == {
        "end": "Export at most 366 days at a time; end by 2024-12-31."
    }
