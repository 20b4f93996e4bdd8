from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader

from configurator.pricing import quote
from proofs.pdf import ProofPages, money, render_html, render_proof_pdf
from tests.proofs.conftest import make_spec, proof_request, render_pdf, run_tool
from tests.proofs.pdfwords import pages

MESSAGES = {
    "english": "Welcome to the team! We are so glad you are here.",
    "accents": "Bienvenue, Zoë et François ! Ça commence très bien — señor Núñez, Straße.",
    "greek": "Καλώς ήρθατε στην ομάδα μας",
    "cyrillic": "Добро пожаловать в команду!",
    # CJK, Arabic and Hebrew extract exactly too (poppler wraps RTL lines in U+202B/U+202C marks).
    "cjk": "欢迎加入我们的团队，谢谢",
    "arabic": "مرحبا بكم في فريقنا",
    "hebrew": "ברוכים הבאים לצוות",
}
HOSTILE = "{{7*7}} <b>x</b> <script>alert(1)</script> file:///etc/passwd http://127.0.0.1/ ftp://x"


def _flat(text: str) -> str:
    """Collapse whitespace: the card wraps long lines, which adds line breaks, nothing else."""
    return " ".join(text.split())


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "proof.pdf"
    path.write_bytes(pdf)
    proc = run_tool("pdftotext", "-enc", "UTF-8", str(path), "-")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def letter(catalog):
    spec = make_spec(catalog, message="Dear Sam,\n\n" + "\n".join(MESSAGES.values()) + "\n" + HOSTILE)
    return render_pdf(catalog, spec)


@pytest.fixture(scope="module")
def a4(catalog):
    return render_pdf(catalog, make_spec(catalog), page_size="A4")


def test_letter_pages(letter):
    reader = PdfReader(io.BytesIO(letter.pdf))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_a4_pages(a4):
    for page in PdfReader(io.BytesIO(a4.pdf)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_unknown_page_size_is_refused(catalog, a4):
    spec = make_spec(catalog)
    doc = _doc(catalog, spec, a4.png, page_size="Legal; } body { display: none")
    with pytest.raises(ValueError, match="not a valid PageSize"):
        render_proof_pdf(doc)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_text_is_extractable_with_pypdf(letter, name):
    assert MESSAGES[name] in _flat(_text(letter.pdf))


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_text_is_extractable_with_pdftotext(letter, name, tmp_path):
    assert MESSAGES[name] in _flat(_pdftotext(letter.pdf, tmp_path))


def test_line_breaks_in_the_message_are_kept(letter, tmp_path):
    lines = _pdftotext(letter.pdf, tmp_path).splitlines()
    assert "Dear Sam," in lines
    assert MESSAGES["cyrillic"] in lines
    assert lines[lines.index("Dear Sam,") + 1].startswith("Welcome to the team!")


def test_blank_lines_reach_the_card_markup(catalog, a4):
    html = render_html(_doc(catalog, make_spec(catalog, message="Dear Sam,\n\nThanks"), a4.png))
    # one paragraph per line of the message, each with its own direction; a blank one keeps its line
    assert re.search(
        r'<div class="message"[^>]*><p dir="ltr">Dear Sam,</p><p dir="ltr"><br></p><p dir="ltr">Thanks</p></div>',
        html,
    )


def test_a_blank_line_prints_as_one_empty_line(catalog):
    card = pages(render_pdf(catalog, make_spec(catalog, message="Dear Sam,\n\nThanks\nBye")).pdf)[-1]
    top = {w.text: w.y0 for w in card.words if w.text in {"Dear", "Thanks", "Bye"}}
    line = top["Bye"] - top["Thanks"]
    assert top["Thanks"] - top["Dear"] == pytest.approx(2 * line, abs=1)


def test_user_text_never_becomes_markup(letter):
    text = _text(letter.pdf)
    assert "{{7*7}}" in text and "49" not in text.replace("GOH-000123", "")
    assert "<b>x</b>" in text
    assert "<script>alert(1)</script>" in text
    assert "Acme & Co <Ltd>" in text


def test_html_escapes_user_text(catalog, a4):
    html = render_html(_doc(catalog, make_spec(catalog, message=HOSTILE, sign_off="<i>me</i>"), a4.png))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<i>me</i>" not in html


def test_header_footer_and_quote(letter, catalog):
    text = _text(letter.pdf)
    q = quote(make_spec(catalog), catalog)
    for expected in (
        "GOH-000123",
        "Proof v3",
        "March 4, 2025",
        "Welcome box",
        "Page 1 of",
        money(q.total),
        money(q.per_box),
    ):
        assert expected in text
    assert "https://gifts.example.org/proofs/GOH-000123/3" in text.replace("\n", "")
    assert "Handmade goods vary slightly in colour" in text


def test_embeds_the_1600x1200_mockup_and_a_vector_qr_code(letter):
    pdf, png = letter.pdf, letter.png
    assert Image.open(io.BytesIO(png)).size == (1600, 1200)
    sizes = {
        (img.image.width, img.image.height)
        for page in PdfReader(io.BytesIO(pdf)).pages
        for img in page.images
    }
    assert sizes == {(1600, 1200)}  # the QR code is drawn as vectors: sharp at any size


@pytest.mark.parametrize("fixture", ["letter", "a4"])
def test_qpdf_check_passes(request, fixture, tmp_path):
    path = tmp_path / "proof.pdf"
    path.write_bytes(request.getfixturevalue(fixture).pdf)
    proc = run_tool("qpdf", "--check", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_font_is_embedded(letter, tmp_path):
    path = tmp_path / "proof.pdf"
    path.write_bytes(letter.pdf)
    proc = run_tool("pdffonts", str(path))
    assert proc.returncode == 0, proc.stderr
    rows = proc.stdout.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        # columns: name type encoding emb sub uni object-id gen; the name never has spaces
        emb = row.split()[-5]
        assert emb == "yes", row


def _doc(catalog, spec, png: bytes, page_size: str = "Letter") -> ProofPages:
    return ProofPages(proof_request(catalog, spec, page_size=page_size), mockup=png)
