"""What a buyer does in the wizard, as functions the app tests share."""

from __future__ import annotations

from app.extensions import db
from app.models import Design, Proof


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
