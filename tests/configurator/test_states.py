import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configurator.states import (
    DELIVERY,
    DESIGN,
    DOCUMENT,
    IMPORT,
    JOB,
    MESSAGE,
    ORDER,
    PROOF,
    DeliveryStatus,
    DesignStatus,
    DocumentStatus,
    IllegalTransition,
    ImportStatus,
    JobStatus,
    MessageStatus,
    OrderStatus,
    RenderStatus,
    StateMachine,
)

EXPECTED = {
    PROOF: {
        ("queued", "start"): "rendering",
        ("rendering", "finish"): "ready",
        ("rendering", "fail"): "failed",
        ("queued", "fail"): "failed",
        ("rendering", "requeue"): "queued",
        ("failed", "requeue"): "queued",
        ("queued", "requeue"): "queued",
    },
    DESIGN: {
        ("draft", "submit"): "submitted",
        ("submitted", "request_changes"): "draft",
        ("draft", "edit"): "draft",
        ("submitted", "approve"): "approved",
        ("approved", "order"): "ordered",
    },
    ORDER: {
        ("confirmed", "start_production"): "in_production",
        ("in_production", "send_to_qa"): "quality_check",
        ("quality_check", "fail_qa"): "in_production",
        ("quality_check", "pack"): "packed",
        ("packed", "ship"): "shipped",
        ("shipped", "deliver"): "delivered",
        ("confirmed", "cancel"): "cancelled",
        ("in_production", "cancel"): "cancelled",
        ("quality_check", "cancel"): "cancelled",
        ("packed", "cancel"): "cancelled",
    },
    JOB: {
        ("queued", "claim"): "claimed",
        ("claimed", "release"): "queued",
        ("paused", "release"): "queued",
        ("problem", "release"): "queued",
        ("claimed", "start"): "in_progress",
        ("paused", "start"): "in_progress",
        ("in_progress", "pause"): "paused",
        ("in_progress", "finish"): "done",
        ("claimed", "report_problem"): "problem",
        ("in_progress", "report_problem"): "problem",
        ("paused", "report_problem"): "problem",
    },
    DOCUMENT: {
        ("queued", "start"): "rendering",
        ("rendering", "finish"): "ready",
        ("rendering", "fail"): "failed",
        ("queued", "fail"): "failed",
        ("rendering", "requeue"): "queued",
        ("queued", "requeue"): "queued",
    },
    MESSAGE: {
        ("pending", "start"): "sending",
        ("sending", "finish"): "sent",
        ("sending", "fail"): "failed",
        ("sending", "requeue"): "pending",
    },
    IMPORT: {
        ("mapping", "map"): "queued",
        ("queued", "start"): "checking",
        ("checking", "finish"): "checked",
        ("checking", "fail"): "failed",
        ("queued", "fail"): "failed",
        ("checking", "requeue"): "queued",
        ("failed", "retry"): "queued",
    },
    DELIVERY: {
        ("pending", "start"): "sending",
        ("sending", "finish"): "delivered",
        ("sending", "fail"): "failed",
        ("sending", "requeue"): "pending",
        ("delivered", "resend"): "pending",
        ("failed", "resend"): "pending",
    },
}
STATES = {
    PROOF: {"queued", "rendering", "ready", "failed"},
    DESIGN: {"draft", "submitted", "approved", "ordered"},
    ORDER: {"confirmed", "in_production", "quality_check", "packed", "shipped", "delivered", "cancelled"},
    JOB: {"queued", "claimed", "in_progress", "paused", "done", "problem"},
    DOCUMENT: {"queued", "rendering", "ready", "failed"},
    MESSAGE: {"pending", "sending", "sent", "failed"},
    IMPORT: {"mapping", "queued", "checking", "checked", "failed"},
    DELIVERY: {"pending", "sending", "delivered", "failed"},
}
ENUMS = {
    PROOF: RenderStatus,
    DESIGN: DesignStatus,
    ORDER: OrderStatus,
    JOB: JobStatus,
    DOCUMENT: DocumentStatus,
    MESSAGE: MessageStatus,
    IMPORT: ImportStatus,
    DELIVERY: DeliveryStatus,
}
INITIAL = {
    PROOF: "queued",
    DESIGN: "draft",
    ORDER: "confirmed",
    JOB: "queued",
    DOCUMENT: "queued",
    MESSAGE: "pending",
    IMPORT: "mapping",
    DELIVERY: "pending",
}
machines = st.sampled_from(list(EXPECTED))


@pytest.mark.parametrize("machine", list(EXPECTED), ids=lambda m: m.name)
def test_exactly_the_listed_transitions(machine):
    assert machine.states == STATES[machine]
    assert dict(machine.transitions) == EXPECTED[machine]
    for (state, action), target in EXPECTED[machine].items():
        assert machine.next(state, action) == target
        assert action in machine.allowed(state)


def test_allowed_actions():
    assert JOB.allowed("paused") == {"release", "start", "report_problem"}
    assert ORDER.allowed("delivered") == set()


def test_illegal_transition_reads_well():
    with pytest.raises(IllegalTransition) as caught:
        JOB.next("queued", "finish")
    assert str(caught.value) == "Cannot finish a job that is queued; allowed now: claim."
    assert (caught.value.machine, caught.value.state, caught.value.action) == ("job", "queued", "finish")
    assert isinstance(caught.value, ValueError)
    with pytest.raises(IllegalTransition, match="allowed now: nothing"):
        ORDER.next("delivered", "ship")


@pytest.mark.parametrize("machine", list(EXPECTED), ids=lambda m: m.name)
def test_the_status_enum_is_exactly_the_machines_states(machine):
    """The enum the column is mapped to (and its CHECK constraint) admits no state the machine lacks."""
    assert set(ENUMS[machine]) == machine.states
    assert machine.initial == INITIAL[machine]


def test_a_machine_starts_in_one_of_its_states():
    with pytest.raises(ValueError, match="no state 'broken'"):
        StateMachine("lamp", {("off", "switch"): "on"}, initial="broken")


def test_a_machine_is_read_only():
    machine = StateMachine("lamp", {("off", "switch"): "on", ("on", "switch"): "off"}, initial="off")
    with pytest.raises(TypeError):
        machine.transitions[("on", "break")] = "broken"  # type: ignore[index]
    assert machine.states == {"on", "off"}


@settings(max_examples=60)
@given(machines, st.data())
def test_random_walks_stay_inside_the_machine(machine, data):
    state = data.draw(st.sampled_from(sorted(machine.states)))
    names = sorted(machine.actions | {"explode", "cancel", "start"})
    for action in data.draw(st.lists(st.sampled_from(names), max_size=30)):
        if (state, action) in EXPECTED[machine]:
            state = machine.next(state, action)
            assert state in machine.states
        else:
            with pytest.raises(IllegalTransition):
                machine.next(state, action)


def test_order_statuses_are_listed_in_the_order_an_order_lives_them():
    """Staff's filter lists them in enum order: the happy path, then cancelled."""
    path = [ORDER.initial]
    for action in ("start_production", "send_to_qa", "pack", "ship", "deliver"):
        path.append(ORDER.next(path[-1], action))
    assert list(OrderStatus) == [*path, "cancelled"]
