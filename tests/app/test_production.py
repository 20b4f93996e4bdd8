"""Production: expanding orders, the maker board, claiming, staff control, capacity and shipping."""

from __future__ import annotations

import io
from datetime import date, timedelta
from fractions import Fraction

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Order, ProductionJob, User
from app.models.outbox import OutboxMessage
from app.models.production import Shipment
from app.services import cancellations, orders, previews, production
from app.services.errors import Conflict, Invalid, NotFound
from app.services.production import planning, quality, skills
from configurator.jobs import priority_for
from configurator.vocabulary import QualityMark
from tests.app.factories import (
    MakerFactory,
    StaffFactory,
    WorkshopFactory,
    make_order,
    pseudonym,
)


def fresh(job: ProductionJob) -> ProductionJob:
    db.session.expire_all()
    return db.session.get(ProductionJob, job.id)


def finish_all(order: Order, maker: User) -> None:
    while (job := production.claim_next(maker)) is not None:
        production.act(maker, job.id, job.claim_token, "start")
        production.act(maker, job.id, job.claim_token, "finish")
    db.session.expire_all()


def test_orders_expand_with_priority_from_the_needed_by_date(app):
    soon = date.today() + timedelta(days=30)
    undated = make_order()
    dated = make_order(needed_by=soon, monogram="JS", logo_id="a" * 64, logo_placement="lid")
    assert {j.priority for j in dated.jobs} == {priority_for(soon)}
    assert {j.priority for j in undated.jobs} == {priority_for(None)}
    assert [j.kind for j in dated.jobs][-3:] == ["monogram", "logo", "assemble"]
    maker = MakerFactory()
    first = production.claim_next(maker)
    assert first.order_id == dated.id  # the dated order goes first although it came second


def test_later_stages_wait_for_earlier_ones(app):
    order = make_order(quantity=10)
    maker = MakerFactory()
    taken = []
    while (job := production.claim_next(maker)) is not None:
        taken.append(job.kind)
    assert "assemble" not in taken and set(taken) == {"make", "cards"}
    for job in [j for j in fresh_order(order).jobs if j.status == "claimed"]:
        production.act(maker, job.id, job.claim_token, "start")
        production.act(maker, job.id, job.claim_token, "finish")
    assert production.claim_next(maker).kind == "assemble"


def fresh_order(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def test_the_last_job_sends_the_order_to_quality_check_and_every_move_is_audited(app):
    order = make_order(quantity=10)
    maker = MakerFactory()
    finish_all(order, maker)
    order = fresh_order(order)
    assert order.status == "quality_check"
    moves = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject == f"order:{order.id}").order_by(AuditEvent.id)
    ).all()
    assert moves == ["order.created", "invoice.issued", "order.start_production", "order.send_to_qa"]


def test_a_stale_holder_cannot_move_a_job(app):
    make_order()
    staff, first, second = StaffFactory(), pseudonym("Sunflower"), pseudonym("River")
    job = production.claim_next(first)
    old_token = job.claim_token
    production.assign(staff, job.id, second.id)  # staff give it to River: Sunflower's token is stale
    with pytest.raises(Conflict):
        production.act(first, job.id, old_token, "start")
    job = fresh(job)
    assert (job.status, job.maker_id) == ("claimed", second.id) and job.claim_token != old_token
    production.act(second, job.id, job.claim_token, "start")
    production.release(staff, job.id)  # from in progress: paused, then back to the queue
    job = fresh(job)
    assert (job.status, job.maker_id, job.claim_token) == ("queued", None, None)


def test_done_with_fewer_puts_the_rest_back_in_the_queue(app):
    make_order(quantity=10)
    maker = MakerFactory()
    job = production.claim_next(maker)
    quantity, minutes, title = job.quantity, job.maker_minutes, job.title
    production.act(maker, job.id, job.claim_token, "start")
    with pytest.raises(Invalid):
        production.act(maker, job.id, job.claim_token, "finish", quantity_done=quantity + 1)
    production.act(maker, job.id, job.claim_token, "finish", quantity_done=3)
    job = fresh(job)
    rest = db.session.scalar(
        select(ProductionJob).where(
            ProductionJob.title == title.replace(f" {quantity} ", f" {quantity - 3} ")
        )
    )
    assert (job.status, job.quantity, job.quantity_done) == ("done", 3, 3)
    assert rest is not None and (rest.status, rest.quantity, rest.priority) == (
        "queued",
        quantity - 3,
        job.priority,
    )
    assert job.maker_minutes + rest.maker_minutes == minutes


def test_work_left_has_one_answer_for_the_job_the_order_the_backlog_and_the_plan(app):
    """A paused job's made units are not work left; Python and SQL round the rest the same way (half up)."""
    order = make_order(quantity=10)
    maker = MakerFactory()
    job = production.claim_next(maker)
    production.act(maker, job.id, job.claim_token, "start")
    production.act(maker, job.id, job.claim_token, "pause", quantity_done=3)
    job = fresh(job)
    expected = int(Fraction(job.maker_minutes * (job.quantity - 3), job.quantity) + Fraction(1, 2))
    assert job.minutes_left == expected < job.maker_minutes
    for other, (minutes, quantity, made) in zip(
        fresh_order(order).jobs[1:], [(7, 2, 1), (5, 4, 1), (1, 3, 1)], strict=False
    ):
        other.maker_minutes, other.quantity, other.quantity_done = minutes, quantity, made
    db.session.commit()
    order = fresh_order(order)
    in_sql = dict(db.session.execute(select(ProductionJob.id, ProductionJob.minutes_left)).all())
    assert in_sql == {j.id: j.minutes_left for j in order.jobs}
    assert [j.minutes_left for j in order.jobs[1:4]] == [4, 4, 1]
    assert production.backlog_minutes() == order.minutes_left == sum(in_sql.values())
    done, total = orders.progress(order)
    assert done == total - order.minutes_left > 0  # the paused maker's three count as progress
    assert production.plan().outlook[order.id].remaining_hours == round(order.minutes_left / 60, 1)


def test_problems_carry_a_plain_reason_for_staff(app):
    make_order()
    maker, staff = MakerFactory(), StaffFactory()
    job = production.claim_next(maker)
    with pytest.raises(Invalid):
        production.act(maker, job.id, job.claim_token, "report_problem")
    production.act(
        maker, job.id, job.claim_token, "report_problem", reason="material", problem="  no  navy thread "
    )
    job = fresh(job)
    assert (job.status, job.problem) == ("problem", "Material is missing: no navy thread")
    assert [j.id for j in production.open_jobs("problem")] == [job.id]
    production.release(staff, job.id)
    assert fresh(job).status == "queued" and fresh(job).problem is None


def test_every_move_tells_the_audit_trail_what_the_maker_did(app):
    make_order(quantity=10)
    maker = MakerFactory()
    job = production.claim_next(maker)
    order_id, quantity, minutes = job.order_id, job.quantity, job.maker_minutes
    production.act(maker, job.id, job.claim_token, "start")
    production.act(maker, job.id, job.claim_token, "pause", quantity_done=2)
    production.act(maker, job.id, job.claim_token, "start")
    production.act(maker, job.id, job.claim_token, "finish", quantity_done=3)
    rest = db.session.scalar(select(ProductionJob).where(ProductionJob.quantity == quantity - 3))
    troubled = production.claim_next(maker)
    production.act(maker, troubled.id, troubled.claim_token, "report_problem", problem=" what is  this? ")
    let_go = production.claim_next(maker)
    released = production.act(maker, let_go.id, let_go.claim_token, "release")
    details = {
        e.action: e.detail
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("job.%")))
    }
    assert details["job.pause"] == {"order": order_id, "made": 2}
    assert details["job.finish"] == {
        "order": order_id,
        "made": 3,
        "minutes": round(minutes * 3 / quantity),
        "rest_job": rest.id,
    }
    assert details["job.report_problem"] == {"order": order_id, "problem": "Something else: what is this?"}
    assert details["job.release"] == {"order": order_id}
    assert (released.maker_id, released.claim_token) == (None, None)


def test_cancelled_orders_leave_the_board(app):
    order = make_order()
    maker, staff = MakerFactory(), StaffFactory()
    held = production.claim_next(maker)
    cancellations.cancel(staff, fresh_order(order), "The client cancelled the event.")
    assert fresh(held).status == "queued" and fresh(held).maker_id is None
    assert production.claim_next(maker) is None
    assert production.backlog_minutes() == 0


def test_staff_cannot_skip_steps_or_ship_without_tracking(app):
    order = make_order(quantity=10)
    staff, maker = StaffFactory(), MakerFactory()
    with pytest.raises(Conflict):
        production.staff_advance(staff, order, "send_to_qa")  # jobs are not done
    with pytest.raises(Conflict):
        production.staff_advance(staff, order, "ship")  # only through ship()
    db.session.rollback()
    finish_all(order, maker)
    order = fresh_order(order)
    with pytest.raises(Conflict):
        production.ship(staff, order, "UPS", "1Z999", 10)  # not packed yet
    db.session.rollback()
    with pytest.raises(Conflict, match="quality check"):
        production.staff_advance(staff, fresh_order(order), "pack")  # nothing ticked yet
    for line in quality.lines_of(order):
        quality.mark_line(staff, fresh_order(order), line.key, QualityMark.TICKED)
    production.staff_advance(staff, fresh_order(order), "pack")
    with pytest.raises(Invalid):
        production.ship(staff, fresh_order(order), "", "", 10)
    with pytest.raises(Invalid):
        production.ship(staff, fresh_order(order), "UPS", "1Z999", 11)
    shipment = production.ship(staff, fresh_order(order), " UPS ", "1Z999AA10123456784", 6)
    assert fresh_order(order).status == "shipped" and shipment.boxes == 6
    production.ship(staff, fresh_order(order), "UPS", "1Z999AA10123456785", 4)  # the second parcel
    assert db.session.scalar(select(func.count()).select_from(Shipment)) == 2
    shipped_mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == "shipped")).all()
    assert len(shipped_mail) == 1 and shipped_mail[0].to_addr == fresh_order(order).design.created_by.email
    what = [e.what for e in production.timeline(fresh_order(order))]
    assert (
        what[0] == "Order confirmed" and "Shipped" in what and what.count("Parcel handed to the carrier") == 2
    )


def test_capacity_settings_feed_the_configurator(app):
    staff = StaffFactory()
    assert production.current_capacity() == production.DEFAULT_CAPACITY
    production.save_weekdays(staff, [600, 600, 600, 600, 300, 0, 0])
    holiday = date(2031, 1, 1)
    production.save_exception(staff, holiday, 0, "New Year")
    production.save_exception(staff, date(2031, 1, 4), 120, "Extra Saturday")
    capacity = production.current_capacity()
    assert capacity.weekday_minutes == (600, 600, 600, 600, 300, 0, 0)
    assert capacity.working_days == frozenset({0, 1, 2, 3, 4})
    assert capacity.minutes_on(holiday) == 0 and capacity.minutes_on(date(2031, 1, 4)) == 120
    with pytest.raises(Invalid):
        production.save_weekdays(staff, [0] * 7)
    order = make_order(quantity=10)
    assert production.backlog_minutes() == sum(j.maker_minutes for j in order.jobs)


def test_orders_that_cannot_make_their_date_are_at_risk(app):
    staff = StaffFactory()
    production.save_weekdays(staff, [60, 60, 60, 60, 60, 0, 0])  # one maker hour a day
    risky = make_order(quantity=50, needed_by=date.today() + timedelta(days=10))
    calm = make_order(quantity=10, needed_by=date.today() + timedelta(days=3650))
    plan = production.plan()
    assert plan.outlook[risky.id].at_risk and not plan.outlook[calm.id].at_risk
    assert [order.id for _, order in production.at_risk(plan)] == [risky.id]
    assert plan.weeks and all(w.capacity_hours <= 5 for w in plan.weeks)
    assert [o.id for o in production.filter_orders(risk_only=True, the_plan=plan)] == [risky.id]


def test_impact_per_month_counts_funded_and_worked_hours(app):
    order = make_order(quantity=10)
    finish_all(order, MakerFactory())
    [month] = production.impact_by_month()
    total = sum(j.maker_minutes for j in fresh_order(order).jobs) / 60
    assert (month.orders, month.funded_hours, month.worked_hours) == (1, round(total, 1), round(total, 1))


# --- Through the web, as the workshop and staff use it ------------------------------------------


def test_the_workshop_tablet_picks_a_pseudonym_and_shows_no_buyer(browser, client):
    order = make_order(quantity=12)
    buyer = order.design.created_by
    sunflower = pseudonym("Sunflower")
    tablet = WorkshopFactory()
    browser.login(tablet.email)
    picker = browser.get("/board")
    assert "Who are you?" in picker.text and "Sunflower" in picker.text
    assert browser.post("/board/claim").status_code == 302  # nobody picked: nothing happens
    assert (
        db.session.scalar(
            select(func.count()).select_from(ProductionJob).where(ProductionJob.maker_id.is_not(None))
        )
        == 0
    )
    browser.post("/board/maker", {"maker": sunflower.id})
    browser.post("/board/claim")
    job = db.session.scalar(select(ProductionJob).where(ProductionJob.maker_id == sunflower.id))
    board = browser.get("/board").text
    assert job.title in board and "Take the next job" in board and "Sunflower" in board
    for secret in (buyer.email, buyer.display_name, order.organisation.name, order.design.name):
        assert secret not in board
    browser.post(f"/board/jobs/{job.id}/start", {"token": job.claim_token})
    browser.post(f"/board/jobs/{job.id}/finish", {"token": job.claim_token, "quantity_done": job.quantity})
    assert fresh(job).status == "done"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job.finish"))
    assert event.actor_id == sunflower.id and event.detail["device"] == tablet.id
    browser.post("/board/maker/stop")
    assert "Who are you?" in browser.get("/board").text


def test_a_deactivated_pseudonym_cannot_be_picked(browser):
    gone = pseudonym("Willow")
    staff = StaffFactory()
    production.set_maker_active(staff, gone.id, False)
    db.session.commit()
    browser.login(WorkshopFactory().email)
    assert "Willow" not in browser.get("/board").text
    response = browser.post("/board/maker", {"maker": gone.id}, follow_redirects=True)
    assert "not on the board" in response.text


def test_pseudonym_makers_cannot_log_in(browser, client):
    maker = pseudonym("River")
    assert maker.email is None
    page = client.get("/login")
    from tests.app.journeys import csrf

    response = client.post("/login", data={"email": "River", "password": "!", "csrf_token": csrf(page.text)})
    assert response.status_code == 200 and "do not match" in response.text


def test_product_pictures_are_drawn_in_the_job_colour(browser):
    browser.login(MakerFactory().email)
    response = browser.get("/board/pictures/infinity-scarf/teal/192.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "max-age" in response.headers["Cache-Control"]
    image = Image.open(io.BytesIO(response.data)).convert("RGBA")
    assert image.size == (192, 192)
    for url in (
        "/board/pictures/infinity-scarf/nocolour/192.png",
        "/board/pictures/..%2Fetc/teal/192.png",
        "/board/pictures/infinity-scarf/teal/5000.png",
    ):
        assert browser.get(url).status_code == 404, url


def test_staff_pages_and_the_packing_slip(browser):
    order = make_order(quantity=10, needed_by=date.today() + timedelta(days=60))
    staff = StaffFactory()
    maker = pseudonym("Sparrow")
    browser.login(staff.email)
    for url in (
        "/staff/",
        "/staff/orders",
        f"/staff/orders?status=confirmed&organisation={order.organisation_id}&risk=1",
        f"/staff/orders/{order.id}",
        "/staff/queue",
        "/staff/queue?status=problem",
        "/staff/capacity",
        "/staff/makers",
        "/staff/impact",
    ):
        response = browser.get(url)
        assert response.status_code == 200, url
    assert order.reference in browser.get("/staff/orders").text
    slip = browser.get(f"/staff/orders/{order.id}/packing-slip.pdf")
    assert slip.mimetype == "application/pdf" and slip.data.startswith(b"%PDF")
    job = order.jobs[0]
    browser.post(f"/staff/jobs/{job.id}/assign", {"maker": maker.id})
    assert fresh(job).maker_id == maker.id
    assert "Sparrow" in browser.get(f"/staff/orders/{order.id}").text
    browser.post(f"/staff/jobs/{job.id}/priority", {"to_top": "1"})
    assert fresh(job).priority < min(j.priority for j in order.jobs if j.id != job.id)
    browser.post(f"/staff/jobs/{job.id}/priority", {"priority": "42"})
    assert fresh(job).priority == 42
    browser.post(f"/staff/jobs/{job.id}/release")
    assert fresh(job).status == "queued"
    response = browser.post(
        "/staff/capacity", {f: "30" for f in ("mon", "tue", "wed", "thu", "fri")} | {"sat": "0", "sun": "0"}
    )
    assert response.status_code == 302 and production.weekday_minutes() == [1800] * 5 + [0, 0]
    bad = browser.post("/staff/capacity", {"mon": "-1", "tue": "x"})
    assert bad.status_code == 422
    browser.post("/staff/capacity/dates", {"day": "2031-12-25", "hours": "0", "note": "Christmas"})
    assert "Christmas" in browser.get("/staff/capacity").text
    browser.post("/staff/makers", {"pseudonym": "Heron"})
    assert "Heron" in [m.display_name for m in production.makers()]
    assert "already" in browser.post("/staff/makers", {"pseudonym": "heron"}).text


def test_buyers_never_see_pseudonyms(browser):
    order = make_order(quantity=10)
    maker = pseudonym("Sunflower")
    production.claim_next(maker)
    browser.login(order.design.created_by.email)
    page = browser.get(f"/orders/{order.id}")
    assert page.status_code == 200 and "Sunflower" not in page.text
    assert "hours" in page.text  # the aggregate impact stays


def test_one_drawing_serves_the_wizard_and_the_board():
    """A product's picture is drawn in one place: the wizard's and the board's are the same PNG."""
    assert previews.product_png("infinity-scarf", "teal", 96) == previews.job_png(
        "infinity-scarf", "teal", 96
    )
    with pytest.raises(NotFound):
        previews.job_png("infinity-scarf", "teal", 160)  # the board draws only its own sizes


def _plan_from_scratch() -> production.Plan:
    """The plan worked out again from the rows, past every remembered one."""
    return planning._pour(production.today(), production.current_capacity(), skills.calendar(), 6)


def _claimed(maker: User) -> ProductionJob:
    job = production.claim_next(maker)
    assert job is not None
    return job


BACKLOG_CHANGES = {
    "a new order": lambda staff, maker, order: make_order(quantity=30),
    "a claim": lambda staff, maker, order: _claimed(maker),
    "a pause with some made": lambda staff, maker, order: [
        production.act(maker, (job := _claimed(maker)).id, job.claim_token, "start"),
        production.act(maker, job.id, job.claim_token, "pause", quantity_done=4),
    ],
    "a finish": lambda staff, maker, order: [
        production.act(maker, (job := _claimed(maker)).id, job.claim_token, "start"),
        production.act(maker, job.id, job.claim_token, "finish"),
    ],
    "a finish with fewer": lambda staff, maker, order: [
        production.act(maker, (job := _claimed(maker)).id, job.claim_token, "start"),
        production.act(maker, job.id, job.claim_token, "finish", quantity_done=2),
    ],
    "a staff release": lambda staff, maker, order: production.release(staff, _claimed(maker).id),
    "an assignment": lambda staff, maker, order: production.assign(staff, order.jobs[0].id, maker.id),
    "a new priority": lambda staff, maker, order: production.set_priority(staff, order.jobs[-1].id, -5),
    "an order first in the queue": lambda staff, maker, order: production.order_first(staff, order),
    "a cancelled order": lambda staff, maker, order: cancellations.cancel(staff, order, "The event moved."),
    "new workshop hours": lambda staff, maker, order: production.save_weekdays(staff, [60] * 5 + [0, 0]),
}


@pytest.mark.parametrize("change", BACKLOG_CHANGES)
def test_every_change_of_the_backlog_gives_a_fresh_plan(app, change):
    staff, maker = StaffFactory(), MakerFactory()
    make_order(quantity=20, needed_by=date.today() + timedelta(days=20))
    order = make_order(quantity=40, needed_by=date.today() + timedelta(days=15))
    before, version = production.plan(), production.backlog_version()
    assert production.plan() is before  # remembered while nothing changes
    BACKLOG_CHANGES[change](staff, maker, fresh_order(order))
    db.session.expire_all()
    assert production.backlog_version() != version
    assert production.plan() == _plan_from_scratch()
    assert production.job_counts() == planning._count_jobs()
    assert production.backlog_minutes() == sum(j.minutes_left for j in production.open_jobs())


def test_the_dashboard_and_the_load_chart_show_the_backlog_after_a_change(browser):
    staff, maker = StaffFactory(), MakerFactory()
    make_order(quantity=40)
    browser.login(staff.email)
    waiting = production.plan().backlog_hours
    assert f"{waiting} maker hours waiting" in browser.get("/staff/").get_data(as_text=True)
    job = _claimed(maker)
    production.act(maker, job.id, job.claim_token, "start")
    production.act(maker, job.id, job.claim_token, "finish")
    left = round(sum(j.minutes_left for j in production.open_jobs()) / 60, 1)
    assert left < waiting
    assert f"{left} maker hours waiting" in browser.get("/staff/").get_data(as_text=True)
    assert f"{left} maker hours of jobs not done yet" in browser.get("/staff/capacity").get_data(as_text=True)
