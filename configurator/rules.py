"""What makes a box spec buildable, in words a buyer understands.

``check`` returns every problem at once, so a form can show them all next to their fields.
A violation's ``field`` mirrors the spec's attribute path (``items.0.colour``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from configurator.catalog import Catalog
from configurator.spec import BoxSpec
from configurator.text import hidden_characters_message

MESSAGE_MAX_CHARS = 400
SIGN_OFF_MAX_CHARS = 80
MIN_BOXES = 10
MAX_BOXES = 5000
MIN_ITEM_QUANTITY = 1
MAX_ITEM_QUANTITY = 20


@dataclass(frozen=True)
class Violation:
    field: str
    message: str


def check(spec: BoxSpec, catalog: Catalog) -> list[Violation]:
    """Return every reason the spec cannot be ordered; an empty list means it can."""
    return _violations(spec, catalog, message_required=True)


def check_draft(spec: BoxSpec, catalog: Catalog) -> list[Violation]:
    """Like :func:`check`, but a draft may still lack its card message."""
    return _violations(spec, catalog, message_required=False)


def normalise_text(s: str) -> str:
    """Tidy typed or pasted card text the same way everywhere before it is stored."""
    s = unicodedata.normalize("NFC", s).replace("\r\n", "\n").replace("\r", "\n")
    s = re.sub(r"\n(?:[^\S\n]*\n){3,}", "\n\n\n", s)
    return s.strip()


def _violations(spec: BoxSpec, catalog: Catalog, message_required: bool) -> list[Violation]:
    return [
        *_box(spec, catalog),
        *_items(spec, catalog),
        *_capacity(spec, catalog),
        *_combinations(spec, catalog),
        *_text(spec, message_required),
        *_quantity(spec),
    ]


def _names(catalog: Catalog, colour_ids: tuple[str, ...]) -> str:
    return ", ".join(catalog.colour_name(c) for c in colour_ids)


def _box(spec: BoxSpec, catalog: Catalog) -> list[Violation]:
    out = []
    if spec.box_size not in catalog.box_sizes:
        sizes = ", ".join(b.name for b in catalog.box_sizes.values())
        out.append(Violation("box_size", f"Please choose a box size: {sizes}."))
    for field, noun, allowed in (
        ("box_colour", "boxes", catalog.box_colours),
        ("ribbon_colour", "ribbon", catalog.ribbon_colours),
        ("tissue_colour", "tissue paper", catalog.tissue_colours),
    ):
        chosen = getattr(spec, field)
        if chosen not in allowed:
            problem = f"We don't have {catalog.colour_name(chosen)} {noun}." if chosen else ""
            out.append(
                Violation(
                    field, f"{problem} Choose a colour for the {noun}: {_names(catalog, allowed)}.".lstrip()
                )
            )
    return out


def _items(spec: BoxSpec, catalog: Catalog) -> list[Violation]:
    if not spec.items:
        return [Violation("items", "Add at least one item to the box.")]
    out = []
    for i, line in enumerate(spec.items):
        product = catalog.products.get(line.product_id)
        if product is None:
            out.append(
                Violation(f"items.{i}.product_id", "We don't make this item any more. Please remove it.")
            )
            continue
        if line.colour not in product.colours:
            out.append(
                Violation(
                    f"items.{i}.colour",
                    f"{product.name} is not made in {catalog.colour_name(line.colour)}. "
                    f"It comes in {_names(catalog, product.colours)}.",
                )
            )
        if not MIN_ITEM_QUANTITY <= line.quantity <= MAX_ITEM_QUANTITY:
            out.append(
                Violation(
                    f"items.{i}.quantity",
                    f"{product.name}: choose between {MIN_ITEM_QUANTITY} and {MAX_ITEM_QUANTITY} per box.",
                )
            )
    return out


def box_slots(spec: BoxSpec, catalog: Catalog) -> tuple[int, int]:
    """Slots the items take and slots the chosen box holds (0 for a box not in the catalog)."""
    used = sum(
        catalog.products[i.product_id].slots * max(i.quantity, 0)
        for i in spec.items
        if i.product_id in catalog.products
    )
    box = catalog.box_sizes.get(spec.box_size)
    return used, box.capacity if box else 0


def _capacity(spec: BoxSpec, catalog: Catalog) -> list[Violation]:
    box = catalog.box_sizes.get(spec.box_size)
    used, _ = box_slots(spec, catalog)
    if box is None or used <= box.capacity:
        return []
    largest = max(b.capacity for b in catalog.box_sizes.values())
    advice = "Remove an item." if box.capacity == largest else "Choose a larger box or remove an item."
    return [
        Violation(
            "items",
            f"This box is full: your items take {used} slots and a {box.name} holds {box.capacity}. {advice}",
        )
    ]


def _combinations(spec: BoxSpec, catalog: Catalog) -> list[Violation]:
    # Product ids in the order the buyer added them, so messages read like their list.
    present = list(dict.fromkeys(i.product_id for i in spec.items if i.product_id in catalog.products))

    def name(pid: str) -> str:
        return catalog.products[pid].name

    out = []
    for rule in catalog.incompatibilities:
        for a in (p for p in present if p in rule.products):
            for b in (p for p in present if p in rule.with_):
                out.append(
                    Violation(
                        "items",
                        f"{name(a)} and {name(b)} can't share a box: {rule.reason} Remove one of them.",
                    )
                )
    for requirement in catalog.requirements:
        needy = [p for p in present if p in requirement.products]
        if needy and not set(present) & set(requirement.needs_one_of):
            verb = "need" if len(needy) > 1 else "needs"
            out.append(
                Violation(
                    "items",
                    f"{' and '.join(map(name, needy))} {verb} company: {requirement.reason} "
                    f"Add one of: {', '.join(map(name, requirement.needs_one_of))}.",
                )
            )
    return out


def _text(spec: BoxSpec, message_required: bool) -> list[Violation]:
    out = []
    if message_required and not spec.message.strip():
        out.append(Violation("message", "Please write a message for the card."))
    length = len(unicodedata.normalize("NFC", spec.message))
    if length > MESSAGE_MAX_CHARS:
        out.append(
            Violation(
                "message",
                f"Your message is {length} characters and the card fits {MESSAGE_MAX_CHARS}. "
                f"Please shorten it by {length - MESSAGE_MAX_CHARS}.",
            )
        )
    if hidden := hidden_characters_message(spec.message, "message"):
        out.append(Violation("message", hidden))
    length = len(unicodedata.normalize("NFC", spec.sign_off))
    if length > SIGN_OFF_MAX_CHARS:
        out.append(
            Violation(
                "sign_off",
                f"Your sign-off is {length} characters; it fits {SIGN_OFF_MAX_CHARS}. "
                f"Please shorten it by {length - SIGN_OFF_MAX_CHARS}.",
            )
        )
    if hidden := hidden_characters_message(spec.sign_off, "sign-off", single_line=True):
        out.append(Violation("sign_off", hidden))
    if hidden := hidden_characters_message(spec.monogram, "monogram", single_line=True):
        out.append(Violation("monogram", hidden))
    return out


def _quantity(spec: BoxSpec) -> list[Violation]:
    if spec.quantity < MIN_BOXES:
        return [Violation("quantity", f"We make at least {MIN_BOXES} boxes per order.")]
    if spec.quantity > MAX_BOXES:
        return [
            Violation(
                "quantity",
                f"We take up to {MAX_BOXES} boxes per order here. "
                "For a larger order, please contact us and we will plan it with you.",
            )
        ]
    return []


def field_kind(field: str) -> str:
    """Group a violation's field for forms: ``items.2.colour`` -> ``item_colour``, ``box_size`` -> itself."""
    parts = field.split(".")
    if parts[0] != "items" or len(parts) < 3:
        return parts[0]
    return {"colour": "item_colour", "quantity": "item_quantity"}.get(parts[-1], "items")
