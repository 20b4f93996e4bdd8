"""What a person does on the pages: a browser that logs in and posts forms, and a buyer's steps in the wizard."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from app.extensions import db
from app.models import Design, Proof
from tests.app.factories import PASSWORD


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (own ``g``, own DB session), as in production.

    Without this, requests would reuse the test's app context and share its session and
    Flask-Login's cached user, hiding stale-data bugs.
    """

    def open(self, *args: object, **kwargs: object):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class Browser:
    """A test client that logs in and submits forms with their CSRF token, as a person would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD) -> None:
        page = self.client.get("/login")
        response = self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": csrf(page.text)}
        )
        assert response.status_code == 302, response.text

    def token(self) -> str:
        """The session's CSRF token, read from the page a person would be on."""
        return csrf(self.client.get("/", follow_redirects=True).text)

    def get(self, url: str, **kwargs: object):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, object] | None = None, **kwargs: object):
        return self.client.post(url, data={"csrf_token": self.token(), **(data or {})}, **kwargs)


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def revision(design_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Design, design_id).revision


def start_classic(browser, classic: str = "warm-welcome") -> int:
    response = browser.post("/designs/new", {"classic": classic})
    assert response.status_code == 302, response.text
    return int(response.location.split("/designs/")[1].split("/")[0])


def start_blank(browser) -> int:
    response = browser.post("/designs/new")
    assert response.status_code == 302, response.text
    return int(response.location.split("/designs/")[1].split("/")[0])


def save_step(browser, design_id: int, slug: str, data: dict, nav: str = "save", rev: int | None = None):
    payload = {"revision": revision(design_id) if rev is None else rev, "nav": nav, **data}
    return browser.post(f"/designs/{design_id}/edit/{slug}", payload)


def write_card(browser, design_id: int, message: str, sign_off: str = "The Acme team", **extra: str):
    data = {"message": message, "sign_off": sign_off, "card_style": "classic", "card_size": "5x7", **extra}
    return save_step(browser, design_id, "message", data)


def set_quantity(browser, design_id: int, quantity: int, needed_by: str = "", delivery: str = "bulk"):
    return save_step(
        browser, design_id, "delivery", {"quantity": quantity, "needed_by": needed_by, "delivery": delivery}
    )


def submit(browser, design_id: int, rev: int | None = None):
    return save_step(browser, design_id, "review", {}, nav="submit", rev=rev)


def latest_proof(design_id: int) -> Proof:
    db.session.expire_all()
    return db.session.get(Design, design_id).latest_proof


def link_in_mail(to_addr: str, path: str) -> str:
    """The link to ``path`` (e.g. "/join/") in the newest email queued for ``to_addr``, as a local URL."""
    from sqlalchemy import select

    from app.models import OutboxMessage

    db.session.expire_all()
    message = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.to_addr == to_addr)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    assert message is not None, f"no email for {to_addr}"
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+)", message.body)
    assert match, f"no {path} link in: {message.body}"
    return match.group(1)


def invite(browser, email: str, role: str = "buyer"):
    return browser.post("/organisation/invitations", {"email": email, "role": role})


def join(client: FlaskClient, link: str, name: str, password: str):
    """Open an invitation link in ``client`` (a fresh browser) and join with a name and password."""
    page = client.get(link)
    assert page.status_code == 200, page.text
    return client.post(link, data={"display_name": name, "password": password, "csrf_token": csrf(page.text)})


def reset_password(client: FlaskClient, email: str):
    """Ask for a password reset from the login page's link, as someone who forgot it would."""
    page = client.get("/password/forgot")
    return client.post("/password/forgot", data={"email": email, "csrf_token": csrf(page.text)})
