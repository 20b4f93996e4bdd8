"""Hidden characters: refused with their name and place; the joiners writing needs are kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from configurator.text import hidden_characters, hidden_characters_message

BIDI_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
INVISIBLE = [*BIDI_CONTROLS, "\u200b", "\u2060", "\ufeff", "\u00ad", "\u180e", "\U000e0041"]
KEPT = [
    "👩‍💻",  # woman technologist: woman + ZWJ + laptop
    "👨‍👩‍👧‍👦",  # family, three ZWJs
    "🏳️‍🌈",  # rainbow flag: white flag + VS16 + ZWJ + rainbow
    "🧑🏽‍🚀",  # astronaut with a skin tone
    "❤️",  # heart with VS16
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # flag of Scotland (tag sequence)
    "می‌خواهم",  # Persian "I want", with a ZWNJ
    "نمی‌دانم",  # Persian "I don't know", with a ZWNJ
    "क्‍ष",  # Devanagari with a ZWJ
    "Gift 🎁",
]
# Visible text around them: letters, digits, punctuation and spaces of many scripts.
visible = st.text(st.characters(categories=("L", "M", "N", "P", "Zs", "So")), max_size=40)


@given(before=visible, after=visible, control=st.sampled_from(INVISIBLE))
def test_never_accepts_an_invisible_control(before, after, control):
    text = before + control + after
    found = hidden_characters(text)
    assert [h.position for h in found] == [len(before) + 1]
    message = hidden_characters_message(text, "message")
    assert (
        message is not None
        and f"U+{ord(control):04X}" in message
        and f"character {len(before) + 1}" in message
    )


@given(st.lists(st.one_of(st.sampled_from(KEPT), visible), max_size=8), st.booleans())
def test_always_accepts_emoji_sequences_and_joined_scripts(parts, single_line):
    text = " ".join(parts)
    assert hidden_characters(text, single_line=single_line) == []
    assert hidden_characters_message(text, "sign-off", single_line=single_line) is None


def test_the_reported_message_names_what_and_where():
    assert hidden_characters_message("Thanks\u202e for all your live work", "message") == (
        "Your message contains a hidden character that would not print as it reads: "
        "right-to-left override (U+202E) at character 7. Please delete it or retype the text."
    )


def test_many_hidden_characters_are_counted_and_the_first_listed():
    message = hidden_characters_message("a\u200bb\u200bc\u200bd\u200be", "message")
    assert message.startswith("Your message contains 4 hidden characters")
    assert "at character 2;" in message and "and 1 more" in message


def test_an_unfinished_tag_sequence_is_refused():
    assert [h.char for h in hidden_characters("🏴\U000e0067\U000e0062")] == ["\U000e0067", "\U000e0062"]


def test_line_breaks_only_in_multi_line_text():
    assert hidden_characters("Dear all,\nthanks") == []
    assert [h.label for h in hidden_characters("Team\nAcme", single_line=True)] == [
        "line break (U+000A) at character 5"
    ]
