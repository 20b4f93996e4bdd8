"""Hypothesis strategies for box specs, shared by every test folder.

``valid_specs()`` draws only specs that ``rules.check`` accepts, so properties about valid
input (prices, round trips, proofs) don't have to filter.
"""

from __future__ import annotations

from datetime import date

from hypothesis import assume
from hypothesis import strategies as st

from configurator.catalog import Catalog, load_catalog
from configurator.rules import MAX_BOXES, MAX_ITEM_QUANTITY, MIN_BOXES, check
from configurator.spec import BoxSpec, ItemLine
from configurator.vocabulary import CardSize, CardStyle, Delivery, LogoPlacement, MonogramStyle

# Printable text: no control or format characters (newline is added back for messages), no lone
# surrogates; configurator.text refuses those (its own tests cover the joiners it keeps).
_chars = st.characters(exclude_categories=("Cc", "Cf", "Cs"))
messages = st.text(st.one_of(_chars, st.just("\n")), min_size=1, max_size=120).filter(str.strip)
box_counts = st.integers(MIN_BOXES, MAX_BOXES)
sign_offs = st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=40)


def _conflicts(catalog: Catalog, product_id: str, chosen: set[str]) -> bool:
    for rule in catalog.incompatibilities:
        if product_id in rule.products and chosen.intersection(rule.with_):
            return True
        if product_id in rule.with_ and chosen.intersection(rule.products):
            return True
    return False


@st.composite
def _items(draw: st.DrawFn, catalog: Catalog, capacity: int) -> tuple[ItemLine, ...]:
    """Fill a box without overflowing it or packing products that must be kept apart."""
    items: list[ItemLine] = []
    chosen: set[str] = set()
    free = capacity
    for _ in range(draw(st.integers(1, capacity))):
        fitting = sorted(
            p.id
            for p in catalog.products.values()
            if p.slots <= free and not _conflicts(catalog, p.id, chosen)
        )
        if not fitting:
            break
        product = catalog.products[draw(st.sampled_from(fitting))]
        quantity = draw(st.integers(1, min(MAX_ITEM_QUANTITY, free // product.slots)))
        items.append(ItemLine(product.id, draw(st.sampled_from(product.colours)), quantity))
        chosen.add(product.id)
        free -= product.slots * quantity
    return tuple(items)


@st.composite
def valid_specs(
    draw: st.DrawFn,
    catalog: Catalog | None = None,
    quantities: st.SearchStrategy[int] = box_counts,
) -> BoxSpec:
    """A spec that passes ``check``; pass ``quantities`` to steer the number of boxes."""
    catalog = catalog or load_catalog()
    box = catalog.box_sizes[draw(st.sampled_from(sorted(catalog.box_sizes)))]
    spec = BoxSpec(
        box_size=box.id,
        box_colour=draw(st.sampled_from(catalog.box_colours)),
        ribbon_colour=draw(st.sampled_from(catalog.ribbon_colours)),
        tissue_colour=draw(st.sampled_from(catalog.tissue_colours)),
        items=draw(_items(catalog, box.capacity)),
        message=draw(messages),
        sign_off=draw(sign_offs),
        quantity=draw(quantities),
        logo_placement=draw(st.sampled_from(LogoPlacement)),
        monogram_style=draw(st.sampled_from(MonogramStyle)),
        card_style=draw(st.sampled_from(CardStyle)),
        card_size=draw(st.sampled_from(CardSize)),
        delivery=draw(st.sampled_from(Delivery)),
        needed_by=draw(st.none() | st.dates(date(2024, 1, 1), date(2030, 12, 31))),
    )
    # Only a box of nothing but small extras (a "requires" rule) is left to reject here.
    assume(not check(spec, catalog))
    return spec
