"""The maker board in each maker's language: complete catalogs, the choice remembered for the
pseudonym, numbers in the language, and "Done" that asks how many with nothing filled in."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.extensions import db
from app.i18n import LANGUAGES
from app.models import ProductionJob
from configurator.vocabulary import ProblemReason
from scripts import translations
from tests.app.factories import WorkshopFactory, make_order, pay, pseudonym

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalog(language: str):
    with open(translations.FOLDER / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_every_board_text_is_translated_with_the_same_placeholders(language):
    translated = catalog(language)
    for message in translations.template():
        if not message.id:
            continue
        found = translated.get(message.id)
        assert found is not None and found.string, f"{language}: no translation for {message.id!r}"
        assert "fuzzy" not in found.flags, f"{language}: {message.id!r} is only a guess"
        assert set(PLACEHOLDER.findall(found.string)) == set(PLACEHOLDER.findall(message.id)), message.id


def test_every_language_of_the_board_has_a_catalog_compiled_from_its_texts():
    assert set(translations.languages()) == set(LANGUAGES) - {"en"}
    for language in translations.languages():
        po = translations.FOLDER / language / "LC_MESSAGES" / "messages.po"
        assert po.with_suffix(".mo").read_bytes() == translations.compiled(po), (
            f"{language}: messages.mo is older than messages.po: run `make translations`"
        )


def on_board(browser, maker) -> None:
    browser.login(WorkshopFactory().email)
    browser.post("/board/maker", {"maker": maker.id})


def test_a_maker_who_chooses_spanish_gets_it_back_next_time(browser, client):
    pay(make_order(quantity=1200))  # a large order: its deposit lets production start
    river = pseudonym("River")
    on_board(browser, river)
    assert 'lang="en"' in browser.get("/board").text
    browser.post("/board/language", {"language": "es"})
    board = browser.get("/board").text
    assert 'lang="es"' in board and "Tomar el siguiente trabajo" in board and "Take the next job" not in board

    browser.post("/board/claim")
    job = db.session.scalar(select(ProductionJob).where(ProductionJob.maker_id == river.id))
    board = browser.get("/board").text
    assert "Falta material" in board and "Empezar" in board  # problem reasons and actions
    for reason in ProblemReason:  # each reason is a picture as well as words
        assert (
            f'value="{reason.value}" required><span class="reason-picture" aria-hidden="true">{reason.glyph}</span>'
            in board
        )
    assert job.quantity >= 1000
    assert f"{job.quantity:,}".replace(",", ".") in board  # numbers as Spanish writes them: 1.200

    # Another day, another tablet session: River's board speaks Spanish again once River is picked.
    client.post("/logout", data={"csrf_token": browser.token()})
    on_board(browser, river)
    assert "Mis trabajos" in browser.get("/board").text
    assert db.session.get(type(river), river.id).language == "es"


def test_a_language_that_is_not_offered_is_refused(browser):
    on_board(browser, pseudonym("Willow"))
    assert browser.post("/board/language", {"language": "xx"}).status_code == 400
    assert browser.post("/board/language", {"language": "es"}).status_code == 302


def test_done_asks_how_many_and_says_where_the_rest_go(browser):
    make_order(quantity=12)
    sparrow = pseudonym("Sparrow")
    on_board(browser, sparrow)
    browser.post("/board/claim")
    job = db.session.scalar(select(ProductionJob).where(ProductionJob.maker_id == sparrow.id))
    browser.post(f"/board/jobs/{job.id}/start", {"token": job.claim_token})
    field = re.search(r'<input id="done-\d+"[^>]*>', browser.get("/board").text).group(0)
    assert "value=" not in field and "required" in field

    answer = browser.post(f"/board/jobs/{job.id}/finish", {"token": job.claim_token}, follow_redirects=True)
    assert "Type how many you finished" in answer.text
    db.session.expire_all()
    assert db.session.get(ProductionJob, job.id).status == "in_progress"  # nothing was finished

    answer = browser.post(
        f"/board/jobs/{job.id}/finish", {"token": job.claim_token, "quantity_done": 2}, follow_redirects=True
    )
    assert f"Finished: 2. Back to the list, for someone to finish: {job.quantity - 2}." in answer.text
