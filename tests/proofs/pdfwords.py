"""Word boxes of a PDF as poppler's ``pdftotext -bbox`` sees them, for layout assertions.

What a reader (or a screen reader, or a search) finds is what pdftotext finds, so checks on
where words sit and whether they exist at all are made on its output, not on our HTML.
"""

from __future__ import annotations

import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from tests.proofs.conftest import run_tool

_NS = "{http://www.w3.org/1999/xhtml}"
TOLERANCE_PT = 1.0
"""Glyph boxes may poke out of a page by a hair (italic overhang, font ascent); no more."""


def _rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def logical(self) -> str:
        """The word in reading order: pdftotext gives right-to-left words in visual order."""
        return self.text[::-1] if _rtl(self.text) else self.text


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]


def pages(pdf: bytes) -> list[Page]:
    """Every page with its word boxes (points, origin top left)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        proc = run_tool("pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-")
    assert proc.returncode == 0, proc.stderr
    root = ET.fromstring(proc.stdout)
    result = []
    for number, page in enumerate(root.iter(f"{_NS}page"), start=1):
        words = tuple(
            Word(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
            for w in page.iter(f"{_NS}word")
        )
        result.append(Page(number, float(page.get("width")), float(page.get("height")), words))
    return result


def outside(doc: list[Page], tolerance: float = TOLERANCE_PT) -> list[str]:
    """Every word whose box leaves its page, described for an assertion message."""
    return [
        f"page {p.number}: {w.text!r} at ({w.x0:.1f}, {w.y0:.1f})–({w.x1:.1f}, {w.y1:.1f}) "
        f"on a {p.width:.0f}×{p.height:.0f} page"
        for p in doc
        for w in p.words
        if w.x0 < -tolerance or w.y0 < -tolerance or w.x1 > p.width + tolerance or w.y1 > p.height + tolerance
    ]


def missing_words(doc: list[Page], expected: list[str]) -> list[str]:
    """The expected words (whitespace-separated) that pdftotext cannot find anywhere.

    Words are compared in reading order and ignoring the line breaks and hyphen-free breaks
    a layout adds: a long word broken over two lines still counts as found.
    """
    words = [w for p in doc for w in p.words]
    found = "".join(w.logical for w in words)
    # A ligature of two Arabic letters extracts in logical order inside a right-to-left word,
    # so right-to-left words are also matched by their letters, in any order.
    letters = {tuple(sorted(w.text)) for w in words}
    return [
        word
        for text in expected
        for word in text.split()
        if word not in found and not (_rtl(word) and tuple(sorted(word)) in letters)
    ]
