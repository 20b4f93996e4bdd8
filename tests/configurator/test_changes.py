"""What changed between two specs, in words."""

from __future__ import annotations

from datetime import date

from configurator.catalog import load_catalog
from configurator.changes import spec_changes
from configurator.spec import BoxSpec, ItemLine

CATALOG = load_catalog()
BASE = BoxSpec(
    box_size="medium",
    box_colour="kraft",
    ribbon_colour="navy",
    tissue_colour="ivory",
    items=(ItemLine("stitched-journal", "navy"), ItemLine("soy-candle", "ivory")),
    message="Welcome aboard!",
    sign_off="The People team",
    quantity=25,
)


def changes(**kw) -> list[str]:
    return spec_changes(BASE.to_dict(), BASE.replace(**kw).to_dict(), CATALOG)


def test_no_change_no_words():
    assert spec_changes(BASE.to_dict(), BASE.to_dict(), CATALOG) == []


def test_colours_quantity_and_text():
    assert changes(ribbon_colour="red", quantity=1200) == [
        "Ribbon: Navy → Cranberry red",
        "Number of boxes: 25 → 1,200",
    ]
    assert changes(message="Thank you\nfor everything") == [
        "Card message: “Welcome aboard!” → “Thank you for everything”"
    ]
    assert changes(sign_off="") == ["Card sign-off: “The People team” → (blank)"]


def test_items_added_removed_recoloured_and_recounted():
    items = (ItemLine("stitched-journal", "navy", 2), ItemLine("soy-candle", "sage"))
    assert changes(items=items) == [
        "Soy candle colour: ivory → sage",
        "Stitched journal, navy: 1 → 2 per box",
    ]
    assert changes(items=(ItemLine("stitched-journal", "navy"),)) == ["Removed 1 × Soy candle, ivory"]


def test_long_messages_are_shortened_and_dates_are_words():
    long = "x" * 200
    [line] = changes(message=long)
    assert line.endswith("…”") and len(line) < 120
    assert changes(needed_by=date(2026, 3, 4)) == ["Needed by: no date → 4 March 2026"]
    assert changes(logo_id="abc") == ["Logo added"]
