"""The languages of the maker board (Flask-Babel), and which one a request speaks.

The board is the makers' workplace, and makers are the people least likely to read English
well: every word on it is translated, and another language is a catalog file in
``translations/``, not code. Buyer and staff pages speak English for now.

A maker's language is remembered for their pseudonym (``User.language``); the shared tablet's
picker speaks the last language chosen on it (the session).
"""

from __future__ import annotations

import functools

from babel.support import Translations
from flask import Flask, has_request_context, request, session
from flask_babel import Babel, format_decimal, get_locale
from wtforms.i18n import messages_path

from app.config import ROOT

LANGUAGES = {"en": "English", "es": "Español"}
"""Languages the board speaks, each named in itself (never a flag: a language is not a country)."""
DEFAULT = "en"
BOARD_LANGUAGE = "board_language"
"""Session key of the language the tablet's board speaks now."""
TRANSLATED_BLUEPRINTS = frozenset({"production"})


def board_language() -> str:
    language = session.get(BOARD_LANGUAGE)
    return language if language in LANGUAGES else DEFAULT


def _locale() -> str:
    if not has_request_context():
        return DEFAULT
    return board_language() if request.blueprint in TRANSLATED_BLUEPRINTS else DEFAULT


def form_translations() -> Translations:
    """WTForms' built-in messages ("Not a valid integer value.") in the language of this request."""
    return _wtforms_catalog(str(get_locale() or DEFAULT))


@functools.cache
def _wtforms_catalog(language: str) -> Translations:
    return Translations.load(messages_path(), [language], domain="wtforms")


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))
    Babel(app, locale_selector=_locale)
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.globals["board_languages"] = LANGUAGES
    app.jinja_env.globals["page_language"] = lambda: str(get_locale() or DEFAULT)
