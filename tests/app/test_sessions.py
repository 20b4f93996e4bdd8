"""Logout and a password change end every earlier session of the user, on the server."""

from __future__ import annotations

import pytest
from flask import Flask

from app.models import Role
from app.services import accounts
from app.services.errors import Invalid
from tests.app.factories import PASSWORD, UserFactory
from tests.app.journeys import Browser


def _browser(app: Flask, email: str) -> Browser:
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def _with_cookie(app: Flask, cookie: str):
    """Another device that pasted the copied session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


@pytest.mark.parametrize(
    ("role", "page"), [(Role.BUYER, "/designs"), (Role.WORKSHOP, "/board")], ids=["buyer", "workshop-tablet"]
)
def test_a_cookie_copied_before_logout_is_refused_after_it(app, role, page):
    user = UserFactory(role=role, organisation=None if role == Role.WORKSHOP else UserFactory().organisation)
    browser = _browser(app, user.email)
    assert browser.get(page).status_code == 200
    copied = browser.client.get_cookie("session").value
    assert _with_cookie(app, copied).get(page).status_code == 200  # the copy works while logged in

    browser.post("/logout")

    response = _with_cookie(app, copied).get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert browser.get(page).status_code == 302
    # Logging in again works, with a new session.
    browser.login(user.email)
    assert browser.get(page).status_code == 200


def test_a_password_change_ends_other_sessions(app):
    user = UserFactory()
    laptop, tablet = _browser(app, user.email), _browser(app, user.email)

    accounts.change_password(user, PASSWORD, "a brand new passphrase")

    assert tablet.get("/designs").status_code == 302
    assert laptop.get("/designs").status_code == 302
    fresh = Browser(app.test_client())
    fresh.login(user.email, "a brand new passphrase")
    assert fresh.get("/designs").status_code == 200


def test_a_password_change_needs_the_current_password(app):
    user = UserFactory()
    browser = _browser(app, user.email)
    with pytest.raises(Invalid) as refused:
        accounts.change_password(user, "not my password", "a brand new passphrase")
    assert refused.value.violations == {"current_password": "This is not your current password."}
    with pytest.raises(Invalid, match="at least 10 characters"):
        accounts.change_password(user, PASSWORD, "short")
    assert browser.get("/designs").status_code == 200  # nothing changed, the session goes on
