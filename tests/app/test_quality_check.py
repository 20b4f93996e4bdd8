"""Quality check: staff tick each line of an order's checklist (or record an exception) before packing."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Order, User
from app.services import production
from app.services.errors import Conflict, Invalid
from app.services.production import quality
from configurator.vocabulary import QualityMark
from tests.app.factories import QualityCheckMarkFactory, StaffFactory, make_order
from tests.app.journeys import Browser
from tests.app.racing import race, racing_app

ROUNDS = 20


def _at_check(**spec: object) -> Order:
    order = make_order(quantity=12, monogram="AB", **spec)
    order.status = "quality_check"
    db.session.commit()
    return order


def _tick_all(staff: User, order: Order, but: str | None = None) -> None:
    for line in quality.lines_of(order):
        if line.key != but:
            quality.mark_line(staff, order, line.key, QualityMark.TICKED)


def test_an_order_is_packed_only_once_every_line_is_ticked_or_excepted(app):
    staff, order = StaffFactory(), _at_check()
    assert "pack" not in production.order_actions(order)
    _tick_all(staff, order, but="monogram")
    with pytest.raises(Conflict, match="1 line of the quality check is not ticked yet"):
        production.staff_advance(staff, order, "pack")
    with pytest.raises(Invalid) as refused:
        quality.mark_line(staff, order, "monogram", QualityMark.EXCEPTION, "   ")
    assert refused.value.violations == {"note": "Write what the exception is."}
    quality.mark_line(
        staff, order, "monogram", QualityMark.EXCEPTION, "Serif letters a touch small; buyer agreed"
    )
    assert "pack" in production.order_actions(order)
    production.staff_advance(staff, order, "pack")
    assert db.session.get(Order, order.id).status == "packed"
    with pytest.raises(Conflict, match="not at quality check"):
        quality.clear_line(staff, order, "box")


def test_sending_an_order_back_to_production_clears_its_check(app):
    staff, order = StaffFactory(), _at_check()
    _tick_all(staff, order)
    production.staff_advance(staff, order, "fail_qa")
    assert quality.quality_checklist(order).settled == 0
    with pytest.raises(Conflict):
        quality.mark_line(staff, order, "box", QualityMark.TICKED)


def test_a_line_not_on_the_order_is_refused(app):
    from app.services.errors import NotFound

    with pytest.raises(NotFound):
        quality.mark_line(StaffFactory(), _at_check(), "logo", QualityMark.TICKED)  # no logo on this box


def test_staff_tick_and_except_on_the_order_page_and_a_bad_note_keeps_the_ticks(app, client):
    staff, order = StaffFactory(), _at_check()
    browser = Browser(client)
    browser.login(staff.email)
    total = len(quality.lines_of(order))
    page = browser.get(f"/staff/orders/{order.id}").text
    assert "Quality check" in page and f"0 of {total} lines settled" in page
    assert "Monogram “AB”" in page and "12 boxes, each complete and clean" in page
    assert "Mark packed" not in page
    ticked = browser.post(f"/staff/orders/{order.id}/quality", {"line": "box", "mark": "ticked"})
    assert ticked.status_code == 302 and ticked.location.endswith("#quality")
    bad = browser.post(
        f"/staff/orders/{order.id}/quality", {"line": "count", "mark": "exception", "note": ""}
    )
    assert bad.status_code == 422
    assert "Write what the exception is." in bad.text and f"1 of {total} lines settled" in bad.text
    for line in quality.lines_of(order)[1:]:
        browser.post(f"/staff/orders/{order.id}/quality", {"line": line.key, "mark": "ticked"})
    page = browser.get(f"/staff/orders/{order.id}").text
    assert "Every line is settled: the order can be packed." in page and "Mark packed" in page
    undo = browser.post(f"/staff/orders/{order.id}/quality", {"line": "box", "mark": "clear"})
    assert undo.status_code == 302
    assert "Mark packed" not in browser.get(f"/staff/orders/{order.id}").text
    assert (
        browser.post(f"/staff/orders/{order.id}/quality", {"line": "box", "mark": "lost"}).status_code == 400
    )


def test_the_buyer_never_sees_the_checklist_or_its_notes(app, client):
    mark = QualityCheckMarkFactory(mark="exception", note="Ribbon from the spare reel")
    browser = Browser(client)
    browser.login(mark.order.design.created_by.email)
    page = browser.get(f"/orders/{mark.order.id}").text
    assert "Ribbon from the spare reel" not in page and "lines settled" not in page


@pytest.mark.real_commits  # racers on connections of their own
def test_a_tick_taken_back_while_another_staff_member_packs_never_leaves_a_packed_order_unchecked(
    app, capsys
):
    """Staff A packs while staff B undoes a tick: one of them wins, never both."""
    ids = {"a": StaffFactory().id, "b": StaffFactory().id}
    tally = {"packed": 0, "undone": 0, "both": 0, "packed with a line open": 0}
    with racing_app(app, 2) as racers:
        for _ in range(ROUNDS):
            order = _at_check()
            _tick_all(db.session.get(User, ids["a"]), order)
            order_id = order.id
            db.session.remove()

            def pack(order_id=order_id):
                staff = db.session.get(User, ids["a"])
                return production.staff_advance(staff, db.session.get(Order, order_id), "pack")

            def undo(order_id=order_id):
                staff = db.session.get(User, ids["b"])
                return quality.clear_line(staff, db.session.get(Order, order_id), "box")

            packed, undone = race(racers, pack, undo)
            assert all(o is None or isinstance(o, Conflict) for o in (packed, undone)), (packed, undone)
            order = db.session.get(Order, order_id)
            tally["packed"] += packed is None
            tally["undone"] += undone is None
            tally["both"] += packed is None and undone is None
            tally["packed with a line open"] += (
                order.status == "packed" and quality.refusal_to_pack(order) is not None
            )
            db.session.remove()
    with capsys.disabled():
        print(
            f"\n  pack vs undo a tick, {ROUNDS} rounds on {app.config['SQLALCHEMY_DATABASE_URI'][:10]}: {tally}"
        )
    assert tally["both"] == 0 and tally["packed with a line open"] == 0
    assert tally["packed"] + tally["undone"] == ROUNDS
