"""Each maker's kinds of work, hours and days off: staff set them, and the estimate and plan follow."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models.production import MakerDayOff, MakerSchedule
from app.services import production
from app.services.estimates import estimate
from app.services.production import skills
from configurator.spec import BoxSpec, ItemLine
from configurator.vocabulary import Skill
from tests.app.factories import StaffFactory, box_spec, make_order, pseudonym

WEEK = {"mon": "6", "tue": "6", "wed": "6", "thu": "6", "fri": "4", "sat": "0", "sun": "0"}


def week_form(maker_id: int, skills_: list[str], **hours: str) -> dict[str, object]:
    return {f"m{maker_id}-skills": skills_} | {f"m{maker_id}-{d}": v for d, v in (WEEK | hours).items()}


def test_a_maker_without_a_week_of_their_own_does_everything_with_an_even_share(app):
    first, second = pseudonym("Heron"), pseudonym("Kestrel")
    weeks = {w.maker.id: w for w in production.maker_weeks()}
    workshop = production.current_capacity()
    for day in range(7):
        together = weeks[first.id].weekday_minutes[day] + weeks[second.id].weekday_minutes[day]
        assert together == workshop.minutes_on_weekday(day)
    assert weeks[first.id].skills == frozenset(Skill) and not weeks[first.id].own


def test_staff_set_a_makers_week_and_days_off_on_the_makers_page(browser):
    staff = StaffFactory()
    maker = pseudonym("Heron")
    browser.login(staff.email)
    saved = browser.post(f"/staff/makers/{maker.id}/week", week_form(maker.id, ["leather", "packing"]))
    assert saved.status_code == 302
    row = db.session.get(MakerSchedule, maker.id)
    assert row.skills == ["leather", "packing"] and row.weekday_minutes == [360] * 4 + [240, 0, 0]
    first = production.today() + timedelta(days=7)
    browser.post(
        f"/staff/makers/{maker.id}/days-off",
        {
            f"off{maker.id}-first_day": first.isoformat(),
            f"off{maker.id}-last_day": (first + timedelta(days=4)).isoformat(),
        },
    )
    page = browser.get("/staff/makers").text
    assert "Leather" in page and first.strftime("%a %d %b %Y") in page
    off = db.session.scalars(db.select(MakerDayOff)).one()
    browser.post(f"/staff/makers/days-off/{off.id}/delete")
    assert db.session.scalars(db.select(MakerDayOff)).all() == []


def test_a_bad_week_is_refused_at_the_field_and_the_saved_week_stays(browser):
    staff = StaffFactory()
    maker = pseudonym("Heron")
    browser.login(staff.email)
    browser.post(f"/staff/makers/{maker.id}/week", week_form(maker.id, ["sewing"]))
    bad = browser.post(f"/staff/makers/{maker.id}/week", week_form(maker.id, [], tue="30"))
    assert bad.status_code == 422
    assert "Enter hours from 0 to 16." in bad.text and "Choose at least one kind of work." in bad.text
    assert 'value="30"' in bad.text  # what was typed comes back to be corrected
    db.session.expire_all()
    assert db.session.get(MakerSchedule, maker.id).skills == ["sewing"]
    backwards = browser.post(
        f"/staff/makers/{maker.id}/days-off",
        {f"off{maker.id}-first_day": "2031-05-09", f"off{maker.id}-last_day": "2031-05-02"},
    )
    assert backwards.status_code == 422 and "comes before the first" in backwards.text


def test_every_change_of_a_makers_week_moves_the_backlog_version(app):
    staff = StaffFactory()
    maker = pseudonym("Heron")
    before = production.backlog_version()
    skills.save_maker_week(staff, maker.id, ["leather"], [360] * 5 + [0, 0])
    after_week = production.backlog_version()
    off = skills.add_day_off(staff, maker.id, production.today(), None, "")
    after_off = production.backlog_version()
    skills.remove_day_off(staff, off.id)
    assert len({before, after_week, after_off, production.backlog_version()}) == 4


def _two_makers(staff):
    """A leatherworker on six hours a weekday and a maker of everything else on sixteen."""
    leather, others = pseudonym("Saddle"), pseudonym("Needle")
    skills.save_maker_week(staff, leather.id, ["leather"], [360] * 5 + [0, 0])
    skills.save_maker_week(
        staff, others.id, [s.value for s in Skill if s != Skill.LEATHER], [960] * 5 + [0, 0]
    )
    return leather


def test_a_leatherworkers_week_off_moves_only_the_orders_with_leather(app):
    staff = StaffFactory()
    leather = _two_makers(staff)
    with_leather = BoxSpec.from_dict(box_spec(items=(ItemLine("key-fob", "black", 1),), quantity=40))
    without = BoxSpec.from_dict(box_spec(items=(ItemLine("tote-bag", "navy", 1),), quantity=5))
    before = {
        name: estimate(spec)[1].standard for name, spec in (("leather", with_leather), ("tote", without))
    }
    start = production.today() + timedelta(days=1)
    skills.add_day_off(staff, leather.id, start, start + timedelta(days=6), "a week off")
    after = {
        name: estimate(spec)[1].standard for name, spec in (("leather", with_leather), ("tote", without))
    }
    print(f"\n40 key fobs: {before['leather']} before the week off, {after['leather']} after")
    print(f"5 tote bags: {before['tote']} before the week off, {after['tote']} after")
    assert after["leather"] >= before["leather"] + timedelta(days=5)
    assert after["tote"] == before["tote"]


def test_the_plan_and_load_chart_name_the_skill_that_holds_an_order_back(browser):
    staff = StaffFactory()
    leather = _two_makers(staff)
    order = make_order(
        items=(ItemLine("key-fob", "black", 1),),
        quantity=40,
        needed_by=production.today() + timedelta(days=5),
    )
    start = production.today() + timedelta(days=1)
    skills.add_day_off(staff, leather.id, start, start + timedelta(days=6), "a week off")
    outlook = production.plan().outlook[order.id]
    assert outlook.limited_by == Skill.LEATHER and outlook.at_risk
    assert {s.skill for s in production.plan().skills} >= {Skill.LEATHER, Skill.PACKING}
    browser.login(staff.email)
    page = browser.get("/staff/capacity").text
    assert "Leather sets this date" in page and "Load of each kind of work" in page
    assert "Leather sets this date" in browser.get("/staff/").text
