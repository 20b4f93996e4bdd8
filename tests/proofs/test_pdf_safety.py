"""Every proof is a clean, self-contained print file, whatever the buyer typed or uploaded."""

from __future__ import annotations

import builtins
import io
import socket
import urllib.request
from datetime import date

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from proofs.request import RenderedProof
from tests.proofs.conftest import make_spec, render_pdf, run_tool

REVIEW_URL = "https://gifts.example.org/designs/17"
SCRIPTS = {
    "accents": "Zoë, François, señor Núñez, Straße, Dvořák",
    "greek": "Καλώς ήρθατε στην ομάδα μας",
    "cyrillic": "Добро пожаловать в команду",
    "arabic": "مرحبا بكم في فريقنا",
    "hebrew": "ברוכים הבאים לצוות",
    "chinese": "欢迎加入我们的团队",
    "japanese": "チームへようこそ、ありがとう",
    "emoji": "🎁🌟💐",
}
HOSTILE = [
    "{{7*7}} {% raw %} {{ config }} {%- endraw %} ${7*7} #{7*7}",
    '<link rel="attachment" href="file:///etc/passwd"><a href="http://evil.example/">x</a>',
    "<style>@import url(http://127.0.0.1:1/x.css); body { background: url(file:///etc/passwd) }</style>",
    "url(file:///etc/passwd) @import 'http://127.0.0.1:1/'; <img src=http://127.0.0.1:1/>",
    '<svg><image href="file:///etc/passwd"/><use href="http://127.0.0.1:1/#a"/></svg>',
    "file:///etc/passwd ftp://example.org/x data:text/html,<script>alert(1)</script>",
]


def _logo(width: int, height: int) -> bytes:
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((0, 0, min(width, height) - 1, height - 1), fill=(200, 40, 70, 255))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _render(catalog, spec, **changes) -> RenderedProof:
    return render_pdf(catalog, spec, reference="GOH-D00017-v2", version=2, review_url=REVIEW_URL, **changes)


@pytest.fixture
def sealed(monkeypatch):
    """No socket may connect and no file outside the project and the fonts may be opened."""
    opened: list[str] = []
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def no_network(*args, **kwargs):
        raise AssertionError("network access during a render")

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    return opened


def _check_clean(pdf: bytes, tmp_path, page_size: str = "Letter") -> PdfReader:
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    names = names.get_object() if isinstance(names, IndirectObject) else names
    assert not names or "/EmbeddedFiles" not in names
    assert "/OpenAction" not in root and "/AA" not in root and "/AcroForm" not in root
    expected = {"Letter": (612.0, 792.0), "A4": (595.2756, 841.8898)}[page_size]
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - expected[0]) < 0.01 and abs(float(box.height) - expected[1]) < 0.01
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None:
                action = action.get_object()
                assert action.get("/S") == "/URI" and action.get("/URI") == REVIEW_URL, action
    path = tmp_path / "proof.pdf"
    path.write_bytes(pdf)
    check = run_tool("qpdf", "--check", str(path))
    assert check.returncode == 0, check.stdout + check.stderr
    fonts = run_tool("pdffonts", str(path))
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts.stdout
    return reader


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_renders_literally_and_fetches_nothing(catalog, sealed, tmp_path, hostile):
    spec = make_spec(catalog, message=hostile, sign_off=hostile[:60])
    pdf = _render(catalog, spec, organisation=hostile[:80], design_name=hostile[:100]).pdf
    assert not [path for path in sealed if "passwd" in path or path.startswith("/etc")]
    reader = _check_clean(pdf, tmp_path)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "49" not in text.replace("GOH-D00017", "")  # {{7*7}} and ${7*7} print literally
    assert "{{7*7}}" in text or "${7*7}" not in hostile


def test_huge_text_renders_or_fails_cleanly(catalog, sealed, tmp_path):
    spec = make_spec(catalog, message="word " * 4000, sign_off="x" * 2000)
    files = _render(catalog, spec, design_name="D" * 3000, organisation="O " * 1000)
    _check_clean(files.pdf, tmp_path)
    assert Image.open(io.BytesIO(files.png)).size == (1600, 1200)


@pytest.mark.parametrize(
    "logo",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg>&e;</svg>',
        b"\x89PNG\r\n\x1a\nnot really",
    ],
)
def test_a_logo_that_is_not_a_normalised_png_fails_cleanly(catalog, sealed, logo):
    with pytest.raises(ValueError, match=r"(?i)logo|png|image"):
        _render(catalog, make_spec(catalog, logo_id="x"), logo_png=logo)
    assert not [path for path in sealed if "passwd" in path]


def test_every_script_extracts_exactly(catalog, tmp_path):
    spec = make_spec(catalog, message="\n".join(SCRIPTS.values()), sign_off="Ζωή & Ёжик")
    pdf = _render(catalog, spec, design_name="Fête · Праздник · 祝贺 🎉").pdf
    path = tmp_path / "proof.pdf"
    path.write_bytes(pdf)
    text = run_tool("pdftotext", "-enc", "UTF-8", str(path), "-").stdout
    flat = " ".join(text.replace("\u202b", "").replace("\u202c", "").split())
    for name, sample in SCRIPTS.items():
        assert sample in flat, name
    _check_clean(pdf, tmp_path)


@pytest.mark.parametrize("page_size", ["Letter", "A4"])
def test_logo_prints_at_300_dpi_and_images_are_print_resolution(catalog, tmp_path, page_size):
    spec = make_spec(catalog, logo_id="x", logo_width_in=2.0, monogram="AE", card_size="4x6")
    pdf = _render(catalog, spec, page_size=page_size, logo_png=_logo(2000, 800)).pdf
    reader = _check_clean(pdf, tmp_path, page_size)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "2.00 × 0.80 in (50.8 × 20.3 mm)" in text
    assert "Please check before approving" not in text
    path = tmp_path / "proof.pdf"
    path.write_bytes(pdf)
    listing = run_tool("pdfimages", "-list", str(path)).stdout.splitlines()[2:]
    assert listing
    for row in listing:
        cols = row.split()
        if cols[2] == "smask":
            continue
        assert int(cols[12]) >= 299 and int(cols[13]) >= 299, row  # x-ppi, y-ppi (rounded)


def test_low_resolution_logo_gets_a_visible_warning(catalog, tmp_path):
    spec = make_spec(catalog, logo_id="x", logo_width_in=3.0)
    pdf = _render(
        catalog, spec, logo_png=_logo(420, 140), preflight=("Ribbon colour is out of stock until May.",)
    ).pdf
    text = " ".join(" ".join(p.extract_text() for p in _check_clean(pdf, tmp_path).pages).split())
    assert "Please check before approving" in text
    assert "The logo will print at 140 DPI at 3 in wide, below the 300 DPI we recommend" in text
    assert "Ribbon colour is out of stock until May." in text


def test_needed_by_and_delivery_estimate_are_printed(catalog, tmp_path):
    spec = make_spec(catalog, needed_by=date(2025, 4, 1))
    pdf = _render(catalog, spec, delivery_estimate=date(2025, 4, 3)).pdf
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Needed by April 1, 2025" in text
    assert "April 3, 2025 · after your needed-by date" in text


@pytest.mark.parametrize("style", ["classic", "modern", "botanical"])
@pytest.mark.parametrize("size", ["5x7", "4x6"])
def test_card_prints_at_actual_size_in_each_style(catalog, tmp_path, style, size):
    spec = make_spec(catalog, card_style=style, card_size=size, monogram="MEC", monogram_style="script")
    pdf = _render(catalog, spec).pdf
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    w, h = size.split("x")
    assert f"{w} × {h} in" in text and "shown at actual size" in text
