"""The deposit and balance rules: what an order must have paid before production and shipping."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from configurator.payments import GATED_ACTIONS, DepositRule, Standing, check_amount, check_rule, deposit_for
from configurator.states import ORDER, OrderStatus

cents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("250000"), places=2)
percents = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
actions = st.sampled_from(sorted(ORDER.actions))


@st.composite
def standings(draw: st.DrawFn) -> Standing:
    total = draw(cents)
    percent = draw(percents)
    paid = draw(st.decimals(min_value=Decimal("0"), max_value=total, places=2))
    return Standing(total, deposit_for(total, percent), percent, paid)


def test_the_sentence_names_the_percentage_and_the_amount():
    standing = Standing(
        Decimal("2468.00"), deposit_for(Decimal("2468.00"), Decimal("50")), Decimal("50"), Decimal(0)
    )
    assert standing.refusal("start_production") == (
        "A 50% deposit of $1,234.00 must be recorded before production starts."
    )
    assert standing.refusal("ship") == "The balance of $2,468.00 must be recorded before the order ships."
    part = Standing(standing.total, standing.deposit, standing.deposit_percent, Decimal("1000.00"))
    assert part.refusal("start_production") == (
        "A 50% deposit of $1,234.00 must be recorded before production starts; $234.00 of it is still to be recorded."
    )
    assert part.next_step(OrderStatus.CONFIRMED) == part.refusal("start_production")


def test_only_orders_above_the_amount_ask_for_a_deposit():
    rule = DepositRule(above=Decimal("5000"), percent=Decimal("50"))
    assert rule.percent_for(Decimal("5000.00")) == 0
    assert rule.percent_for(Decimal("5000.01")) == 50
    assert DepositRule(Decimal("0"), Decimal("0")).percent_for(Decimal("10")) == 0


@given(cents, percents)
def test_a_deposit_is_rounded_to_cents_and_never_above_the_total(total, percent):
    deposit = deposit_for(total, percent)
    assert Decimal("0") <= deposit <= total
    assert deposit == deposit.quantize(Decimal("0.01"))


@given(standings(), actions)
def test_a_move_is_refused_exactly_when_money_is_still_needed_for_it(standing, action):
    needed = standing.needed_before(action)
    assert needed >= 0
    assert (standing.refusal(action) is None) == (needed == 0)
    if action not in GATED_ACTIONS or not standing.gated:
        assert needed == 0


@given(standings(), actions, st.decimals(min_value=Decimal("0"), max_value=Decimal("250000"), places=2))
def test_paying_more_never_makes_a_move_need_more(standing, action, more):
    """What the conditional update relies on: allowed at what was read, allowed at anything above it."""
    richer = Standing(standing.total, standing.deposit, standing.deposit_percent, standing.paid + more)
    assert richer.needed_before(action) <= standing.needed_before(action)
    assert richer.due <= standing.due


@given(standings())
def test_the_deposit_comes_before_the_balance_and_paid_in_full_needs_nothing(standing):
    assert standing.needed_before("start_production") <= standing.needed_before("ship")
    paid_up = Standing(standing.total, standing.deposit, standing.deposit_percent, standing.total)
    assert all(paid_up.needed_before(a) == 0 for a in ORDER.actions)
    assert paid_up.next_step(OrderStatus.CONFIRMED) == "Paid in full."


@given(standings(), st.sampled_from(list(OrderStatus)))
def test_the_next_step_is_always_a_sentence(standing, status):
    step = standing.next_step(status)
    assert step.endswith(".") and step[0].isupper()


def test_an_amount_is_positive_in_cents_and_within_what_is_due():
    due = Decimal("1234.00")
    assert check_amount(" $1,234.00 ", due) == (Decimal("1234.00"), "")
    assert (
        check_amount("1234.01", due)[1]
        == "Enter at most $1,234.00: that is what is still due on this invoice."
    )
    for wrong in ("", "abc", "0", "-5", "NaN", "Infinity", "1.005"):
        amount, problem = check_amount(wrong, due)
        assert amount is None and problem, wrong
    assert check_amount("1", Decimal("0"))[1].startswith("This invoice is paid in full")


@given(st.text(max_size=30), st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2))
def test_an_accepted_amount_never_overpays(raw, due):
    amount, problem = check_amount(raw, due)
    assert (amount is None) == bool(problem)
    if amount is not None:
        assert Decimal("0") < amount <= due


def test_staff_type_the_rule_as_an_amount_and_a_percentage():
    assert check_rule(" $5,000 ", "50%") == (DepositRule(Decimal("5000"), Decimal("50")), {})
    assert check_rule("0", "0")[0] == DepositRule(Decimal("0"), Decimal("0"))
    for above, percent, wrong in (
        ("-1", "50", {"above"}),
        ("x", "101", {"above", "percent"}),
        ("1", "0.001", {"percent"}),
    ):
        rule, errors = check_rule(above, percent)
        assert rule is None and set(errors) == wrong


@given(st.text(max_size=12), st.text(max_size=6))
def test_a_rule_staff_may_save_is_always_one_the_database_holds(above, percent):
    rule, errors = check_rule(above, percent)
    assert (rule is None) == bool(errors)
    if rule is not None:
        assert Decimal("0") <= rule.above < Decimal("1e10") and Decimal("0") <= rule.percent <= 100
