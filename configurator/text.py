"""Characters in buyer text that print differently than they read, found in one place.

A right-to-left override (U+202E) makes "Thanks‮…" print backwards; a zero-width space hides
inside a word; a tab or a line break in a one-line field breaks the layout. All of them are
invisible in a form field, so the buyer cannot see what the card will say. We refuse them and
say which one and where. We keep what writing needs: the zero-width joiner (emoji sequences
such as 👩‍💻, Indic conjuncts), the zero-width non-joiner (Persian "می‌خواهم"), variation
selectors (they are combining marks, not format characters) and emoji tag sequences (the
flags of Scotland or Wales).

Pure: the rules (``configurator/rules.py``) and the wizard forms ask here, so does the API.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

ZWNJ, ZWJ = "\u200c", "\u200d"
KEPT_FORMAT = frozenset({ZWNJ, ZWJ})
"""Format characters that scripts and emoji need; every other one (category Cf) is refused."""
BLACK_FLAG, CANCEL_TAG = "\U0001f3f4", "\U000e007f"
TAGS = range(0xE0020, 0xE007F)
"""Tag letters: allowed only inside an emoji tag sequence, 🏴 + tags + cancel tag."""

NAMES = {
    "\t": "tab",
    "\n": "line break",
    "\r": "line break",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
    "\u00ad": "soft hyphen",
    "\ufeff": "zero width no-break space",
}
MAX_LISTED = 3


@dataclass(frozen=True)
class HiddenCharacter:
    position: int
    """1-based, counted in characters as typed."""
    char: str

    @property
    def label(self) -> str:
        name = NAMES.get(self.char) or unicodedata.name(self.char, "control character").lower()
        return f"{name} (U+{ord(self.char):04X}) at character {self.position}"


def _emoji_tag_sequences(text: str) -> set[int]:
    """Indexes of tag characters that belong to a complete 🏴 … cancel-tag sequence."""
    kept: set[int] = set()
    for start, char in enumerate(text):
        if char != BLACK_FLAG:
            continue
        end = start + 1
        while end < len(text) and ord(text[end]) in TAGS:
            end += 1
        if end > start + 1 and end < len(text) and text[end] == CANCEL_TAG:
            kept.update(range(start + 1, end + 1))
    return kept


def hidden_characters(text: str, *, single_line: bool = False) -> list[HiddenCharacter]:
    """Every character of ``text`` that cannot be printed as it reads, in order.

    Line breaks are allowed in multi-line text (the card message) and refused in one-line text.
    """
    in_tag_sequence = _emoji_tag_sequences(text) if BLACK_FLAG in text else set()
    found = []
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if char == "\n" and not single_line:
            continue
        if (
            category in ("Cc", "Cs")
            or (single_line and category in ("Zl", "Zp"))
            or (category == "Cf" and char not in KEPT_FORMAT and index not in in_tag_sequence)
        ):
            found.append(HiddenCharacter(index + 1, char))
    return found


def hidden_characters_message(text: str, what: str, *, single_line: bool = False) -> str | None:
    """A sentence for the field (``what``: "message", "sign-off"…), or None when the text is fine."""
    found = hidden_characters(text, single_line=single_line)
    if not found:
        return None
    listed = "; ".join(h.label for h in found[:MAX_LISTED])
    if len(found) > MAX_LISTED:
        listed += f"; and {len(found) - MAX_LISTED} more"
    if len(found) == 1:
        return (
            f"Your {what} contains a hidden character that would not print as it reads: {listed}. "
            "Please delete it or retype the text."
        )
    return (
        f"Your {what} contains {len(found)} hidden characters that would not print as they read: "
        f"{listed}. Please delete them or retype the text."
    )
