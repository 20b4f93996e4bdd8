"""Every state of every machine reads as a sentence, for buyers and for staff."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from configurator import states
from configurator.states import DesignStatus, OrderStatus, StateMachine
from configurator.status_text import SENTENCES, Facts, design_sentence, order_sentence

MACHINES = [m for m in vars(states).values() if isinstance(m, StateMachine)]


def test_every_machine_has_its_sentences() -> None:
    assert {m.name for m in MACHINES} == set(SENTENCES)


@given(
    staff=st.booleans(),
    made=st.none() | st.integers(0, 500),
    total=st.none() | st.integers(0, 500),
    approver=st.booleans(),
    reader_is_approver=st.booleans(),
    buyer_approved=st.booleans(),
    reason=st.text(max_size=20),
    awaiting_deposit=st.booleans(),
)
def test_every_state_reads_as_a_sentence(**kw: object) -> None:
    facts = Facts(
        staff=kw["staff"],  # type: ignore[arg-type]
        made=kw["made"],  # type: ignore[arg-type]
        total=kw["total"],  # type: ignore[arg-type]
        approver_needed=kw["approver"],  # type: ignore[arg-type]
        reader_is_approver=kw["reader_is_approver"],  # type: ignore[arg-type]
        buyer_approved=kw["buyer_approved"],  # type: ignore[arg-type]
        reason=kw["reason"],  # type: ignore[arg-type]
        awaiting_deposit=kw["awaiting_deposit"],  # type: ignore[arg-type]
    )
    for machine in MACHINES:
        for state in machine.states:
            text = SENTENCES[machine.name](state, facts)  # type: ignore[operator]
            assert text and text[0].isupper() and "_" not in text.split(":")[0]


def test_the_issue_examples() -> None:
    assert order_sentence(OrderStatus.IN_PRODUCTION, Facts(made=40, total=120)) == (
        "In production: 40 of 120 items made"
    )
    assert order_sentence(OrderStatus.CONFIRMED, Facts(awaiting_deposit=True)) == (
        "Confirmed: production starts once the deposit is recorded"
    )
    assert design_sentence(DesignStatus.SUBMITTED, Facts(approver_needed=True)) == (
        "Waiting for your approver to approve"
    )
    assert design_sentence(DesignStatus.DRAFT, Facts(reason="Logo too small")) == (
        "Sent back to you: Logo too small"
    )
    assert design_sentence(DesignStatus.SUBMITTED, Facts(staff=True, buyer_approved=True)).endswith(
        "waiting for your check of the print details"
    )
