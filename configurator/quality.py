"""The quality check of an order: the lines staff tick before it may be packed.

Built from what the order contains (the spec frozen into it), so the list names exactly what
the buyer approved on the proof: the box, every item in its colour, the monogram, the logo's
placement, the message card, and the count of boxes. A line is settled by a tick or by an
exception staff record with a note (for example "ribbon colour swapped, buyer agreed by phone").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from configurator.catalog import Catalog
from configurator.spec import BoxSpec
from configurator.vocabulary import CardSize, CardStyle, Delivery, LogoPlacement, MonogramStyle, QualityMark


@dataclass(frozen=True)
class CheckLine:
    key: str
    """Stable within an order (``item:0``, ``logo``…): a staff mark is stored under it."""
    text: str


def checklist(spec: BoxSpec, catalog: Catalog) -> tuple[CheckLine, ...]:
    """The lines of the order's quality check, in the order a person looks at a box."""
    size = catalog.box_sizes.get(spec.box_size)
    lines = [
        CheckLine(
            "box",
            f"{size.name if size else spec.box_size + ' box'} in {catalog.colour_name(spec.box_colour)}, "
            f"{catalog.colour_name(spec.ribbon_colour)} ribbon, {catalog.colour_name(spec.tissue_colour)} tissue",
        )
    ]
    for n, item in enumerate(spec.items):
        product = catalog.products.get(item.product_id)
        name = product.name if product else item.product_id
        lines.append(
            CheckLine(f"item:{n}", f"{item.quantity} × {name} in {catalog.colour_name(item.colour)}")
        )
    if spec.monogram:
        style = MonogramStyle(spec.monogram_style).label.lower()
        lines.append(CheckLine("monogram", f"Monogram “{spec.monogram}” in {style}, spelt as on the proof"))
    if spec.logo_id:
        placement = LogoPlacement(spec.logo_placement)
        lines.append(
            CheckLine(
                "logo", f"Logo {placement.label.lower()}, {spec.logo_width_in:g} in wide, sharp and straight"
            )
        )
    if spec.message or spec.sign_off:
        card = f"{CardStyle(spec.card_style).label} card, {CardSize(spec.card_size).label}"
        to_recipients = Delivery.has(spec.delivery) and Delivery(spec.delivery).to_recipients
        words = (
            "each card's name and message match its recipient in the card book"
            if to_recipients
            else "its text matches the proof word for word"
        )
        lines.append(CheckLine("card", f"{card}: {words}"))
    lines.append(CheckLine("count", f"{spec.quantity} boxes, each complete and clean"))
    return tuple(lines)


def open_lines(lines: tuple[CheckLine, ...], marks: Mapping[str, QualityMark]) -> tuple[CheckLine, ...]:
    """The lines neither ticked nor settled by an exception."""
    return tuple(line for line in lines if line.key not in marks)


def pack_refusal(lines: tuple[CheckLine, ...], marks: Mapping[str, QualityMark]) -> str | None:
    """Why the order cannot be packed yet, in a sentence; None once every line is settled."""
    left = open_lines(lines, marks)
    if not left:
        return None
    count = f"{len(left)} line{'s' if len(left) != 1 else ''} of the quality check"
    verb = "is" if len(left) == 1 else "are"
    return f"{count} {verb} not ticked yet: tick each, or record an exception, before packing."
