"""The board's message catalogs: ``make translations`` (``python -m scripts.translations``) after changing a board text.

Extracts every text the board shows (the templates and modules in ``babel.cfg``, and the
vocabulary it draws from ``configurator``: units and problem reasons), adds new ones to each
language's ``messages.po`` (keeping what translators wrote, dropping what is gone) and compiles
``messages.mo``. tests/app/test_translations.py fails while a text has no translation or a
``.mo`` is older than its ``.po``. A new language: ``mkdir -p translations/xx/LC_MESSAGES``, add it
to ``app.i18n.LANGUAGES``, run this, and translate its ``messages.po``.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "translations"


def vocabulary() -> list[str]:
    """Texts the board shows that come from data, not from a literal in a template."""
    from configurator.vocabulary import JobKind, ProblemReason

    return [*(reason.label for reason in ProblemReason), *dict.fromkeys(kind.unit for kind in JobKind)]


def template() -> Catalog:
    """Every message the board can show, as an empty catalog."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog()
    for _filename, _line, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords={"_": None, "gettext": None}
    ):
        catalog.add(message, context=context)
    for message in vocabulary():
        catalog.add(message)
    return catalog


def languages() -> list[str]:
    return sorted(p.parent.parent.name for p in FOLDER.glob("*/LC_MESSAGES/messages.po"))


def compiled(po: Path) -> bytes:
    with open(po, "rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def main() -> None:
    wanted = template()
    for language in languages() or []:
        po = FOLDER / language / "LC_MESSAGES" / "messages.po"
        with open(po, "rb") as handle:
            catalog = read_po(handle, locale=language)
        catalog.update(wanted, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with open(po, "wb") as handle:
            write_po(handle, catalog, omit_header=False, no_location=True, width=100)
        po.with_suffix(".mo").write_bytes(compiled(po))
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{language}: {len(catalog) - 1} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    main()
