"""What changed between two box specs, in plain words a buyer can check against the pictures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from configurator.catalog import Catalog
from configurator.spec import BoxSpec
from configurator.vocabulary import CardSize, CardStyle, Delivery, LogoPlacement, MonogramStyle, Term

QUOTE_CHARS = 60


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "(blank)"
    if len(flat) > QUOTE_CHARS:
        flat = flat[: QUOTE_CHARS - 1].rstrip() + "…"
    return f"“{flat}”"


def _date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "no date"


def _term(kind: type[Term], old: str, new: str) -> str:
    """``Old label → new label``; a value outside the vocabulary (refused by the rules) as it is."""
    known = {term.value: term.label for term in kind}
    return f"{known.get(old, old)} → {known.get(new, new)}"


def _items(spec: BoxSpec) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for line in spec.items:
        counts[(line.product_id, line.colour)] = counts.get((line.product_id, line.colour), 0) + line.quantity
    return counts


def _item_changes(old: BoxSpec, new: BoxSpec, catalog: Catalog) -> list[str]:
    def product(pid: str) -> str:
        found = catalog.products.get(pid)
        return found.name if found else pid

    def colour(cid: str) -> str:
        return catalog.colour_name(cid).lower()

    before, after = _items(old), _items(new)
    out: list[str] = []
    removed = {k: v for k, v in before.items() if k not in after}
    added = {k: v for k, v in after.items() if k not in before}
    # The same product in another colour reads better as a colour change than as remove + add.
    for (pid, old_colour), qty in list(removed.items()):
        match = next((k for k, v in added.items() if k[0] == pid and v == qty), None)
        if match is not None:
            out.append(f"{product(pid)} colour: {colour(old_colour)} → {colour(match[1])}")
            del removed[(pid, old_colour)]
            del added[match]
    for (pid, c), qty in removed.items():
        out.append(f"Removed {qty} × {product(pid)}, {colour(c)}")
    for (pid, c), qty in added.items():
        out.append(f"Added {qty} × {product(pid)}, {colour(c)}")
    for key in before.keys() & after.keys():
        if before[key] != after[key]:
            out.append(f"{product(key[0])}, {colour(key[1])}: {before[key]} → {after[key]} per box")
    return out


def spec_changes(old: dict[str, Any], new: dict[str, Any], catalog: Catalog) -> list[str]:
    """List every difference between two stored specs, one plain sentence each, in page order."""
    a, b = BoxSpec.from_dict(old), BoxSpec.from_dict(new)
    return [
        *_box_changes(a, b, catalog),
        *_item_changes(a, b, catalog),
        *_logo_changes(a, b),
        *_monogram_changes(a, b),
        *_card_changes(a, b),
        *_order_changes(a, b),
    ]


def _box_changes(a: BoxSpec, b: BoxSpec, catalog: Catalog) -> list[str]:
    colour = catalog.colour_name

    def box(size: str) -> str:
        found = catalog.box_sizes.get(size)
        return found.name if found else size

    simple: list[tuple[str, Callable[[Any], str], str]] = [
        ("box_size", box, "Box size"),
        ("box_colour", colour, "Box colour"),
        ("ribbon_colour", colour, "Ribbon"),
        ("tissue_colour", colour, "Tissue paper"),
    ]
    return [
        f"{label}: {show(getattr(a, name))} → {show(getattr(b, name))}"
        for name, show, label in simple
        if getattr(a, name) != getattr(b, name)
    ]


def _logo_changes(a: BoxSpec, b: BoxSpec) -> list[str]:
    """Placement and width only matter while there is a logo to place."""
    out = []
    if a.logo_id != b.logo_id:
        if a.logo_id is None:
            out.append("Logo added")
        elif b.logo_id is None:
            out.append("Logo removed")
        else:
            out.append("Logo replaced with a different file")
    if b.logo_id and a.logo_placement != b.logo_placement:
        out.append(f"Logo placement: {_term(LogoPlacement, a.logo_placement, b.logo_placement)}")
    if b.logo_id and a.logo_width_in != b.logo_width_in:
        out.append(f"Logo width: {a.logo_width_in:g} in → {b.logo_width_in:g} in")
    return out


def _monogram_changes(a: BoxSpec, b: BoxSpec) -> list[str]:
    """The style only matters while there is a monogram to draw in it."""
    out = []
    if a.monogram != b.monogram:
        out.append(f"Monogram: {_quote(a.monogram)} → {_quote(b.monogram)}")
    if b.monogram and a.monogram_style != b.monogram_style:
        out.append(f"Monogram style: {_term(MonogramStyle, a.monogram_style, b.monogram_style)}")
    return out


def _card_changes(a: BoxSpec, b: BoxSpec) -> list[str]:
    out = []
    if a.message != b.message:
        out.append(f"Card message: {_quote(a.message)} → {_quote(b.message)}")
    if a.sign_off != b.sign_off:
        out.append(f"Card sign-off: {_quote(a.sign_off)} → {_quote(b.sign_off)}")
    if a.card_style != b.card_style:
        out.append(f"Card style: {_term(CardStyle, a.card_style, b.card_style)}")
    if a.card_size != b.card_size:
        out.append(f"Card size: {_term(CardSize, a.card_size, b.card_size)}")
    return out


def _order_changes(a: BoxSpec, b: BoxSpec) -> list[str]:
    out = []
    if a.quantity != b.quantity:
        out.append(f"Number of boxes: {a.quantity:,} → {b.quantity:,}")
    if a.needed_by != b.needed_by:
        out.append(f"Needed by: {_date(a.needed_by)} → {_date(b.needed_by)}")
    if a.delivery != b.delivery:
        out.append(f"Delivery: {_term(Delivery, a.delivery, b.delivery)}")
    return out
