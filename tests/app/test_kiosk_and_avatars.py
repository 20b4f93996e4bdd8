"""The workshop tablet as a kiosk (no way out without a staff PIN, an idle maker is forgotten)
and the pictures makers choose (never two the same, even when two choose at once)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User
from app.services import kiosk, production
from app.services.errors import Conflict, Invalid
from configurator.avatars import every_avatar
from tests.app.factories import StaffFactory, WorkshopFactory, pseudonym
from tests.app.racing import race, racing_app


def test_new_makers_get_pictures_nobody_else_has(app):
    makers = [pseudonym(name) for name in ("Sunflower", "Sparrow", "Swan", "Sage")]
    pictures = [m.avatar for m in makers]
    assert None not in pictures and len(set(pictures)) == len(pictures)


def test_a_maker_chooses_a_free_picture_and_cannot_take_anothers(browser):
    river, willow = pseudonym("River"), pseudonym("Willow")
    browser.login(WorkshopFactory().email)
    browser.post("/board/maker", {"maker": river.id})
    page = browser.get("/board/picture").text
    assert f'value="{willow.avatar.colour}:{willow.avatar.symbol}"' not in page  # not offered
    wanted = next(a for a in every_avatar() if a not in (river.avatar, willow.avatar))
    assert f'value="{wanted.colour}:{wanted.symbol}"' in page
    assert browser.post("/board/picture", {"avatar": f"{wanted.colour}:{wanted.symbol}"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, river.id).avatar == wanted

    # A stale page offering Willow's picture: refused in words, nothing changes.
    taken = browser.post(
        "/board/picture", {"avatar": f"{willow.avatar.colour}:{willow.avatar.symbol}"}, follow_redirects=True
    )
    assert "Someone else has just chosen this picture" in taken.text
    db.session.expire_all()
    assert db.session.get(User, river.id).avatar == wanted
    assert browser.post("/board/picture", {"avatar": "neon:skull"}, follow_redirects=True).status_code == 200
    with pytest.raises(Invalid):
        production.choose_avatar(db.session.get(User, river.id), "neon", "skull")


@pytest.mark.real_commits
def test_two_makers_choosing_one_picture_at_once_get_it_once(app):
    first, second = pseudonym("Juniper"), pseudonym("Jasmine")
    ids = (first.id, second.id)
    wanted = next(a for a in every_avatar() if a not in (first.avatar, second.avatar))
    db.session.remove()
    with racing_app(app, 2) as racers:
        outcomes = race(
            racers,
            *(
                lambda maker_id=maker_id: production.choose_avatar(
                    db.session.get(User, maker_id), wanted.colour, wanted.symbol
                )
                for maker_id in ids
            ),
        )
    assert sorted(type(o).__name__ for o in outcomes) == ["Avatar", "Conflict"], outcomes
    holders = db.session.scalars(
        select(User.id).where(User.avatar_colour == wanted.colour, User.avatar_symbol == wanted.symbol)
    ).all()
    assert len(holders) == 1


def test_the_tablet_shows_makers_no_log_out_and_a_staff_pin_unlocks_it(browser, client):
    tablet = WorkshopFactory()
    staff = StaffFactory()
    kiosk.set_pin(staff, "482913")
    browser.login(tablet.email)
    board = browser.get("/board").text
    assert "Log out" not in board and "/board/leave" in board

    wrong = browser.post("/board/leave", {"pin": "000000"})
    assert wrong.status_code == 200 and "That PIN is not right" in wrong.text
    assert (
        "/logout" not in browser.get("/board").text and browser.get("/board").status_code == 200
    )  # still in

    unlocked = browser.post("/board/leave", {"pin": "482913"})
    assert unlocked.status_code == 302 and unlocked.location.endswith("/login")
    assert browser.get("/board").status_code == 302  # logged out: the login page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "workshop.unlocked"))
    assert event.actor_id == staff.id


def test_guessing_pins_is_limited(browser, app):
    app.config["RATELIMIT_ENABLED"] = True
    browser.login(WorkshopFactory().email)
    answers = [browser.post("/board/leave", {"pin": f"{n:06d}"}).status_code for n in range(12)]
    assert answers[:10] == [200] * 10 and 429 in answers[10:]


def test_a_pin_is_six_to_twelve_digits(app):
    staff = StaffFactory()
    for bad in ("12345", "1234567890123", "12ab56", "", "١٢٣٤٥٦"):
        with pytest.raises(Invalid):
            kiosk.set_pin(staff, bad)
    kiosk.set_pin(staff, "123456")
    assert kiosk.unlocking_staff("123456") == staff and kiosk.unlocking_staff("1234567") is None


def test_a_maker_who_walks_away_is_forgotten_after_the_idle_time(browser, app, monkeypatch):
    sage = pseudonym("Sage")
    browser.login(WorkshopFactory().email)
    browser.post("/board/maker", {"maker": sage.id})
    board = browser.get("/board").text
    assert "Sage" in board and 'data-idle-seconds="300"' in board
    later = time.time() + app.config["BOARD_IDLE_MINUTES"] * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert "Who are you?" in browser.get("/board").text


def test_a_conflicting_choice_is_a_conflict_not_a_crash(app):
    river, willow = pseudonym("Rowan"), pseudonym("Wren")
    with pytest.raises(Conflict):
        production.choose_avatar(river, willow.avatar.colour, willow.avatar.symbol)
