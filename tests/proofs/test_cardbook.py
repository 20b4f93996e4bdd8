"""The card book: every card at actual size, in every script, as the proof prints it, and fast.

The fast path sets each card's text itself; these tests read the PDF with poppler and qpdf
(what a printer, a reader or a search finds) and compare every word's place with WeasyPrint
laying out the same pages whole, and with the card page of the normal proof.
"""

from __future__ import annotations

import dataclasses
import io
import re

import pikepdf
import pytest
from PIL import Image

from configurator.vocabulary import CardSize, CardStyle, LogoPlacement
from proofs.card_fit import LAYOUTS
from proofs.cardbook import (
    BookCard,
    CardBookRequest,
    CardLogo,
    assemble,
    contact_sheet_ranges,
    render_card_book,
    render_card_book_pdf,
    render_chunk,
    render_contact_sheet,
    warm_up,
)
from proofs.cardbook.html import render_reference_pdf
from tests.proofs.conftest import make_spec, render_pdf, run_tool
from tests.proofs.pdfwords import Page, Word, missing_words, outside, pages

SCRIPTS = {
    "latin": ("Zoë Núñez", "Thank you for a wonderful year, Zoë. Ça commence très bien — Straße."),
    "greek": ("Αλέξης", "Καλώς ήρθατε στην ομάδα μας"),
    "cyrillic": ("Дмитрий", "Добро пожаловать в команду!"),
    "arabic": ("فاطمة الحسن", "شكرا لكم على عام رائع."),
    "hebrew": ("נועה כהן", "תודה על שנה נפלאה."),
    "chinese": ("王伟", "欢迎加入我们的团队，谢谢"),
    "japanese": ("佐藤さくら", "ご入社おめでとうございます。"),
    "korean": ("김민준", "새해 복 많이 받으세요"),
    "emoji": ("Sam", "Party time 🎉 and thumbs up 👍🏽 for Sam"),
}
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff" * 3  # 105 characters, no break opportunity
MARKUP = "<b>bold</b> &amp; <script>alert(1)</script> {{7*7}}"
MIXED = "Acme فريق · 团队 · צוות · Команда 🎁"
HOSTILE = {
    "long name": (LONG_NAME, "A name longer than the card is wide."),
    "markup": (MARKUP, MARKUP),
    "mixed": ("Ana", MIXED),
    "empty message": ("Only A Name", ""),
    "emoji only": ("🎉🎉", "😀"),
}
SIGN_OFF = "The People team"


def _cards(texts: dict[str, tuple[str, str]]) -> tuple[BookCard, ...]:
    return tuple(
        BookCard(i + 1, f"{key} recipient · Acme Ltd", name, message)
        for i, (key, (name, message)) in enumerate(texts.items())
    )


@pytest.fixture(scope="module")
def book() -> CardBookRequest:
    # Chunks of 4 cards, so the book is assembled from three chunks.
    return CardBookRequest(cards=_cards(SCRIPTS), sign_off=SIGN_OFF, chunk_cards=4)


@pytest.fixture(scope="module")
def book_pdf(book) -> bytes:
    return render_card_book_pdf(book)


@pytest.fixture(scope="module")
def book_pages(book_pdf) -> list[Page]:
    return pages(book_pdf)


def _tool(tmp_path, pdf: bytes, *args: str) -> str:
    """Run a poppler/qpdf tool on ``pdf``; pdftotext writes to standard output."""
    path = tmp_path / "book.pdf"
    path.write_bytes(pdf)
    proc = run_tool(*args, str(path), *(["-"] if args[0] == "pdftotext" else []))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _card_words(page: Page) -> list[Word]:
    """The words on the card (the index line above it is in the crop margin)."""
    return [w for w in page.words if w.y0 > 36]


def _rows(words: list[Word]) -> list[list[Word]]:
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        centre = (word.y0 + word.y1) / 2
        if rows and centre - (rows[-1][0].y0 + rows[-1][0].y1) / 2 < 6:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w.x0) for row in rows]


def test_one_page_per_card_in_recipient_order_with_its_index_line(book, book_pages):
    assert len(book_pages) == len(book.cards)
    layout = LAYOUTS[CardSize.FIVE_BY_SEVEN]
    for page, card in zip(book_pages, book.cards, strict=True):
        # The card at actual size in 0.5 in of crop margin on every side.
        assert (page.width, page.height) == pytest.approx(
            ((layout.width_in + 1) * 72, (layout.height_in + 1) * 72)
        )
        index = [w.logical for w in page.words if w.y1 < 36]
        assert index[:3] == ["Card", str(card.index), "·"], index
        assert set(card.name.split()) <= set(index), index


def test_each_page_trims_to_its_card(book, book_pdf):
    layout = LAYOUTS[CardSize.FIVE_BY_SEVEN]
    with pikepdf.open(io.BytesIO(book_pdf)) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.TrimBox)
            assert (x0, y0) == pytest.approx((36, 36))
            assert (x1 - x0, y1 - y0) == pytest.approx((layout.width_in * 72, layout.height_in * 72))


@pytest.mark.parametrize("key", list(SCRIPTS))
def test_every_card_page_returns_its_text(book, book_pages, key):
    number = list(SCRIPTS).index(key)
    name, message = SCRIPTS[key]
    page = book_pages[number]
    assert not missing_words([page], [name, message, SIGN_OFF]), missing_words([page], [name, message])
    assert not outside([page]), outside([page])


def test_pdftotext_reads_each_page_as_written(book, book_pdf, tmp_path):
    for number, (_name, message) in enumerate(SCRIPTS.values(), start=1):
        if any(ord(c) > 0x2FFF for c in message) or re.search(r"[\u0590-\u06ff]", message):
            continue  # CJK, emoji and right-to-left lines are checked word by word above
        text = _tool(tmp_path, book_pdf, "pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number))
        assert " ".join(message.split()) in " ".join(text.split()), text


def test_right_to_left_lines_align_right_and_left_to_right_lines_left(book_pages):
    layout = LAYOUTS[CardSize.FIVE_BY_SEVEN]
    left = 36 + layout.pad_x_in * 72
    right = left + layout.text_width_pt
    for key in ("arabic", "hebrew"):
        page = book_pages[list(SCRIPTS).index(key)]
        rows = _rows(_card_words(page))
        name_row, message_row = rows[0], rows[1]
        for row in (name_row, message_row):
            assert row[-1].x1 == pytest.approx(right, abs=1.5), [w.text for w in row]
            assert row[0].x0 > left + 40, f"{key} starts at the left edge"
        # Read right to left, the full stop ends the line at its left end.
        assert message_row[0].text.startswith("."), [w.text for w in message_row]
    latin = _rows(_card_words(book_pages[0]))
    assert latin[0][0].x0 == pytest.approx(left, abs=1.0)
    assert latin[0][-1].x1 < right - 40
    # The sign-off is set to the end of its line, as on the proof.
    assert latin[-1][-1].x1 == pytest.approx(right, abs=1.5)


def test_every_font_is_embedded_with_a_unicode_map(book_pdf, tmp_path):
    rows = _tool(tmp_path, book_pdf, "pdffonts").splitlines()[2:]
    names = " ".join(row.split()[0] for row in rows)
    for family in ("Noto-Serif", "Naskh-Arabic", "Serif-Hebrew", "CJK", "Emoji", "Noto-Sans"):
        assert family in names, names
    for row in rows:
        emb, _sub, uni = row.split()[-5:-2]
        assert (emb, uni) == ("yes", "yes"), row


def test_qpdf_check_passes(book_pdf, tmp_path):
    _tool(tmp_path, book_pdf, "qpdf", "--check")


def _positions(doc: list[Page]) -> list[list[tuple[str, float, float, float]]]:
    return [
        sorted((w.text, round(w.x0, 1), round(w.y0, 1), round(w.x1, 1)) for w in page.words) for page in doc
    ]


def _same_places(fast: list[Page], reference: list[Page]) -> None:
    assert len(fast) == len(reference)
    for number, (ours, theirs) in enumerate(zip(_positions(fast), _positions(reference), strict=True), 1):
        assert [w[0] for w in ours] == [w[0] for w in theirs], f"page {number}"
        for a, b in zip(ours, theirs, strict=True):
            assert a[1:] == pytest.approx(b[1:], abs=0.3), f"page {number}: {a} vs {b}"


def test_fast_path_sets_every_word_where_weasyprint_lays_it_out(book, book_pages):
    _same_places(book_pages, pages(render_reference_pdf(book)))


@pytest.mark.parametrize("style", [CardStyle.MODERN, CardStyle.BOTANICAL])
@pytest.mark.parametrize("size", list(CardSize))
def test_every_style_and_size_matches_weasyprint(book, style, size):
    request = dataclasses.replace(book, card_style=style, card_size=size, sign_off="فريق Acme · 团队")
    _same_places(pages(render_card_book_pdf(request)), pages(render_reference_pdf(request)))


def test_hostile_text_prints_as_written_and_stays_on_the_page(tmp_path):
    request = CardBookRequest(cards=_cards(HOSTILE), sign_off=MARKUP, chunk_cards=2)
    pdf = render_card_book_pdf(request)
    doc = pages(pdf)
    assert len(doc) == len(HOSTILE)
    assert not outside(doc), outside(doc)
    _tool(tmp_path, pdf, "qpdf", "--check")
    for page, (name, message) in zip(doc, HOSTILE.values(), strict=True):
        assert not missing_words([page], [name, message]), (name, missing_words([page], [name, message]))
    text = _tool(tmp_path, pdf, "pdftotext", "-enc", "UTF-8")
    assert "<script>alert(1)</script>" in text  # markup is text, never markup
    assert "&amp;" in text
    # The long name breaks inside the card's text box rather than running off it.
    layout = LAYOUTS[CardSize.FIVE_BY_SEVEN]
    right = 36 + layout.pad_x_in * 72 + layout.text_width_pt
    assert all(w.x1 <= right + 1 for w in _card_words(doc[0]))
    _same_places(doc, pages(render_reference_pdf(request)))


def test_an_overlong_message_is_cut_at_the_card_edge_not_beyond_the_page():
    long_text = " ".join(["Thank you for everything this year."] * 150) + "\n" + "שלום " * 300
    request = CardBookRequest(cards=_cards({"long": ("Sam", long_text)}), sign_off=SIGN_OFF)
    (page,) = pages(render_card_book_pdf(request))
    layout = LAYOUTS[CardSize.FIVE_BY_SEVEN]
    card_bottom = 36 + layout.height_in * 72
    assert page.words[0].text.startswith("Card")
    assert max(w.y0 for w in page.words) < card_bottom  # no invisible line under the card's edge
    rows = _rows(_card_words(page))
    assert len(rows) > 20  # the card is full, down to its edge
    # What shows is what WeasyPrint shows: the same words in the same places.
    reference = [w for w in pages(render_reference_pdf(request))[0].words if w.y0 < card_bottom]
    assert [w.text for w in sorted(page.words, key=lambda w: (w.y0, w.x0))] == [
        w.text for w in sorted(reference, key=lambda w: (w.y0, w.x0))
    ]


def test_card_matches_the_card_page_of_the_normal_proof(catalog):
    card = BookCard(1, "Acme", "فاطمة الحسن", "Thank you, Fatima!\n" + SCRIPTS["chinese"][1] + " 🎉")
    spec = make_spec(catalog, message=card.text, sign_off=SIGN_OFF, card_style=CardStyle.MODERN)
    proof_card = pages(render_pdf(catalog, spec).pdf)[-1]
    request = CardBookRequest.for_design(spec, catalog, (card,))
    ours = _card_words(pages(render_card_book_pdf(request))[0])
    theirs = [w for w in proof_card.words if w.text in {x.text for x in ours}]

    def relative(words: list[Word]) -> list[tuple[str, float, float]]:
        origin = min(words, key=lambda w: (round(w.y0), w.x0))
        return sorted((w.text, round(w.x0 - origin.x0, 1), round(w.y0 - origin.y0, 1)) for w in words)

    assert len(theirs) == len(ours)
    for a, b in zip(relative(ours), relative(theirs), strict=True):
        assert a[0] == b[0]
        assert a[1:] == pytest.approx(b[1:], abs=0.3), (a, b)


def test_the_card_logo_is_drawn_on_every_page(catalog, tmp_path):
    logo = io.BytesIO()
    Image.new("RGBA", (300, 120), (200, 40, 70, 255)).save(logo, "PNG")
    spec = make_spec(catalog, logo_placement=LogoPlacement.CARD, logo_id="0" * 64)
    request = CardBookRequest.for_design(
        spec, catalog, _cards(dict(list(SCRIPTS.items())[:2])), logo=CardLogo(logo.getvalue(), 1.0, 0.4)
    )
    pdf = render_card_book_pdf(request)
    listed = [row.split() for row in _tool(tmp_path, pdf, "pdfimages", "-list").splitlines()[2:]]
    assert [row[0] for row in listed if row[2] == "image"] == ["1", "2"]
    # One image object, drawn by the frame every page shares.
    assert len({row[10] for row in listed if row[2] == "image"}) == 1
    _same_places(pages(pdf), pages(render_reference_pdf(request)))


def test_chunks_made_anywhere_assemble_into_the_same_book(book, book_pages, tmp_path):
    chunks = {rng: render_chunk(book, *rng) for rng in reversed(book.chunks())}
    for chunk in chunks.values():
        _tool(tmp_path, chunk, "qpdf", "--check")  # each chunk is a whole PDF of its own
    joined = assemble(chunks[rng] for rng in book.chunks())
    assert _positions(pages(joined)) == _positions(book_pages)
    with pytest.raises(ValueError, match="outside"):
        render_chunk(book, 5, len(book.cards) + 1)


def test_a_changed_card_changes_only_its_chunk_key(book):
    changed = list(book.cards)
    changed[5] = dataclasses.replace(changed[5], message="Something else")
    other = dataclasses.replace(book, cards=tuple(changed))
    keys = [(book.chunk_key(*rng), other.chunk_key(*rng)) for rng in book.chunks()]
    assert [a == b for a, b in keys] == [True, False, True]
    assert book.render_key != other.render_key
    # A recipient added at the end leaves the finished chunks as they are: only the last grows.
    longer = dataclasses.replace(book, cards=(*book.cards, BookCard(10, "new", "New", "Hello")))
    assert longer.chunks() == [*book.chunks()[:-1], (8, 10)]
    assert [book.chunk_key(*rng) == longer.chunk_key(*rng) for rng in book.chunks()[:-1]] == [True, True]


def test_request_refuses_words_outside_the_vocabulary():
    with pytest.raises(ValueError):
        CardBookRequest(cards=(), card_style="baroque")
    with pytest.raises(ValueError):
        CardBookRequest(cards=(), card_size="9x9")
    with pytest.raises(ValueError, match="RRGGBB"):
        CardBookRequest(cards=(), accent_hex="red; background: url(x)")


def test_contact_sheets_show_every_card_a_hundred_to_a_sheet(book):
    many = dataclasses.replace(
        book, cards=tuple(dataclasses.replace(book.cards[i % 9], index=i + 1) for i in range(130))
    )
    assert contact_sheet_ranges(many) == [(0, 100), (100, 130)]
    first = Image.open(io.BytesIO(render_contact_sheet(many, 0, 100)))
    last = Image.open(io.BytesIO(render_contact_sheet(many, 100, 130)))
    assert first.format == last.format == "PNG"
    assert first.width == last.width and first.height > last.height
    with pytest.raises(ValueError):
        render_contact_sheet(many, 0, 101)


def test_warm_up_renders_a_sample_card(book):
    assert warm_up(book) >= 0
    assert warm_up() >= 0


def test_render_card_book_gives_the_pdf_and_its_sheets(book):
    rendered = render_card_book(dataclasses.replace(book, cards=book.cards[:3]))
    assert rendered.pdf.startswith(b"%PDF")
    assert len(rendered.contact_sheets) == 1
    sheet = Image.open(io.BytesIO(rendered.contact_sheets[0]))
    # Three thumbnails side by side: different cards make different pictures.
    w = (sheet.width - 14) // 3
    tiles = [sheet.crop((14 + i * w, 14, 14 + i * w + w - 14, sheet.height - 40)).tobytes() for i in range(3)]
    assert len(set(tiles)) == 3
