"""The order machine against a model: no sequence of actions reaches a state nobody planned for."""

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from configurator.states import ORDER, IllegalTransition

FORWARD = ["confirmed", "in_production", "quality_check", "packed", "shipped", "delivered"]
CANCELLABLE = {"confirmed", "in_production", "quality_check", "packed"}
ACTIONS = sorted(ORDER.actions | {"explode", "reopen", ""})


class OrderLife(RuleBasedStateMachine):
    """Drive ORDER with any action, legal or not, and compare with the workshop's own rules."""

    def __init__(self) -> None:
        super().__init__()
        self.state = "confirmed"
        self.history = ["confirmed"]
        self.shipped_once = False

    @rule(action=st.sampled_from(ACTIONS))
    def any_action(self, action: str) -> None:
        allowed = ORDER.allowed(self.state)
        if action in allowed:
            new = ORDER.next(self.state, action)
            self._check_step(self.state, action, new)
            self.state = new
            self.history.append(new)
        else:
            with pytest.raises(IllegalTransition):
                ORDER.next(self.state, action)

    @precondition(lambda self: self.state in CANCELLABLE)
    @rule()
    def cancel(self) -> None:
        self.state = ORDER.next(self.state, "cancel")
        self.history.append(self.state)

    def _check_step(self, old: str, action: str, new: str) -> None:
        if action == "cancel":
            assert old in CANCELLABLE and new == "cancelled"
        elif action == "fail_qa":
            assert (old, new) == ("quality_check", "in_production")
        else:  # every other move is one step forward on the happy path
            assert FORWARD.index(new) == FORWARD.index(old) + 1
        if new == "shipped":
            self.shipped_once = True

    @invariant()
    def state_is_known(self) -> None:
        assert self.state in ORDER.states

    @invariant()
    def end_states_are_final(self) -> None:
        if self.state in ("delivered", "cancelled"):
            assert ORDER.allowed(self.state) == set()

    @invariant()
    def shipped_goods_are_never_cancelled(self) -> None:
        if self.shipped_once:
            assert "cancelled" not in self.history

    @invariant()
    def history_is_a_path_through_the_machine(self) -> None:
        for old, new in zip(self.history, self.history[1:], strict=False):
            assert any(ORDER.next(old, a) == new for a in ORDER.allowed(old))


OrderLife.TestCase.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)
TestOrderLife = OrderLife.TestCase


def test_every_state_is_reachable_and_can_end():
    seen, frontier = {"confirmed"}, ["confirmed"]
    while frontier:
        state = frontier.pop()
        for action in ORDER.allowed(state):
            new = ORDER.next(state, action)
            if new not in seen:
                seen.add(new)
                frontier.append(new)
    assert seen == ORDER.states
