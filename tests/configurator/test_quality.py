"""The quality checklist names what the order contains, and packing waits for every line."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from configurator.catalog import load_catalog
from configurator.quality import checklist, open_lines, pack_refusal
from configurator.vocabulary import Delivery, QualityMark
from tests.configurator.strategies import valid_specs

CATALOG = load_catalog()


@given(valid_specs(), st.booleans(), st.booleans())
def test_a_line_for_the_box_each_item_the_branding_and_the_count_with_unique_keys(spec, monogram, logo):
    spec = spec.replace(monogram="AB" if monogram else "", logo_id="f" * 64 if logo else None)
    lines = checklist(spec, CATALOG)
    keys = [line.key for line in lines]
    assert len(keys) == len(set(keys))
    assert keys[0] == "box" and keys[-1] == "count"
    assert sum(k.startswith("item:") for k in keys) == len(spec.items)
    assert ("monogram" in keys) == monogram and ("logo" in keys) == logo
    for n, item in enumerate(spec.items):
        text = lines[keys.index(f"item:{n}")].text
        assert CATALOG.products[item.product_id].name in text and CATALOG.colour_name(item.colour) in text
    assert f"{spec.quantity} boxes" in lines[-1].text


def test_cards_to_recipients_are_checked_against_the_card_book():
    spec = next(iter(CATALOG.classics.values())).spec.replace(
        message="Thank you", delivery=Delivery.PER_RECIPIENT
    )
    (card,) = [line for line in checklist(spec, CATALOG) if line.key == "card"]
    assert "card book" in card.text


@given(valid_specs(), st.data())
def test_packing_waits_until_every_line_is_ticked_or_excepted(spec, data):
    lines = checklist(spec, CATALOG)
    chosen = data.draw(st.sets(st.sampled_from([line.key for line in lines])))
    marks = {key: data.draw(st.sampled_from(list(QualityMark))) for key in chosen}
    refusal = pack_refusal(lines, marks)
    left = open_lines(lines, marks)
    assert (refusal is None) == (len(left) == 0) == (chosen == {line.key for line in lines})
    if refusal is not None:
        assert refusal.startswith(f"{len(left)} line")
