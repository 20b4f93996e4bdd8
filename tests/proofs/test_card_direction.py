"""Each card paragraph and the sign-off run in their own direction on the PDF and the mockup."""

from __future__ import annotations

import pytest

from proofs import bidi
from proofs.card_fit import LAYOUTS
from tests.proofs.conftest import make_spec, render_pdf
from tests.proofs.pdfwords import Word, pages

LATIN = "Thank you for a wonderful year."
ARABIC = "شكرا لكم على عام رائع."
HEBREW = "תודה על שנה נפלאה."
SIGN_OFF = "فريق Acme · 团队 · צוות"
# The sign-off from left to right by the Unicode bidi algorithm: an Arabic first letter makes
# the paragraph right-to-left, "Acme · 团队" is one left-to-right run inside it.
SIGN_OFF_VISUAL = ["צוות", "·", "Acme", "·", "团队", "فريق"]


@pytest.fixture(scope="module")
def card_lines(catalog) -> dict[str, list[Word]]:
    spec = make_spec(catalog, message=f"{LATIN}\n{ARABIC}\n{HEBREW}", sign_off=SIGN_OFF)
    card = pages(render_pdf(catalog, spec).pdf)[-1]
    rows: list[list[Word]] = []
    for word in sorted(card.words, key=lambda w: (w.y0 + w.y1) / 2):
        centre = (word.y0 + word.y1) / 2
        if rows and centre - (rows[-1][0].y0 + rows[-1][0].y1) / 2 < 6:  # lines are ~20 pt apart
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = {}
    for text in (LATIN, ARABIC, HEBREW, SIGN_OFF):
        wanted = set(text.replace(".", "").split())
        line = next(ws for ws in rows if wanted <= {w.logical.strip(".") for w in ws})
        lines[text] = sorted(line, key=lambda w: w.x0)
    return lines


def test_right_to_left_lines_align_right_and_latin_left(card_lines):
    text_width = LAYOUTS["5x7"].text_width_pt
    left = card_lines[LATIN][0].x0
    for rtl in (ARABIC, HEBREW):
        right = card_lines[rtl][-1].x1
        assert right - left == pytest.approx(text_width, abs=1.5), rtl
        assert card_lines[rtl][0].x0 > left + 40, f"{rtl} starts at the left edge"
    assert card_lines[LATIN][-1].x1 < left + text_width - 40


def test_full_stop_ends_each_line_at_its_own_end(card_lines):
    assert card_lines[LATIN][-1].text.endswith(".")
    for rtl in (ARABIC, HEBREW):
        # Read right to left, the last word is the leftmost one, and its full stop is its left end.
        leftmost = card_lines[rtl][0]
        assert leftmost.text.startswith("."), [w.text for w in card_lines[rtl]]
        assert not any("." in w.text for w in card_lines[rtl][1:])


def test_mixed_sign_off_reads_in_bidi_order_on_card_and_mockup(card_lines):
    printed = [w.logical for w in card_lines[SIGN_OFF]]
    assert printed == SIGN_OFF_VISUAL
    # The mockup draws the same runs from proofs.bidi, left to right.
    drawn = []
    for run, direction in bidi.visual_runs(SIGN_OFF, bidi.direction(SIGN_OFF)):
        words = run.split()
        drawn.extend(reversed(words) if direction == "rtl" else words)
    assert drawn == SIGN_OFF_VISUAL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ARABIC, "rtl"),
        (HEBREW, "rtl"),
        (SIGN_OFF, "rtl"),
        ("Acme فريق", "ltr"),
        ("2025 — שלום", "rtl"),  # digits and punctuation are not strong
        ("", "ltr"),
        ("\u2067Acme\u2069 שלום", "rtl"),  # an isolate is skipped, as dir=auto does
    ],
)
def test_direction_is_the_first_strong_character(text, expected):
    assert bidi.direction(text) == expected


def test_every_wrapped_line_keeps_its_paragraph_direction():
    from proofs import fonts
    from proofs.card import wrap

    long_rtl = "שלום " + "Acme Corporation International " * 4 + "תודה"
    lines = wrap(f"{long_rtl}\nHello", fonts.SERIF_CHAIN, 24, 300)
    assert len(lines) > 3
    assert {line.direction for line in lines[:-1]} == {"rtl"}  # even lines that start in Latin
    assert lines[-1].direction == "ltr"
