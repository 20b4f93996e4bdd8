"""The packing slip that goes in (or on) the carton: what must be inside, checked off by hand.

Pure, like the proof: plain strings and numbers in, PDF bytes out, through the same restricted
URL fetcher (the slip needs no images, so it serves nothing at all) and an
autoescaping Jinja environment, so an organisation or design name can never become markup.
For delivery to one address the slip carries the ship-to (address, contact, phone, the
driver's instructions and the dock's hours), so the carton and its paperwork agree; it is a
staff document, never shown to makers. Per-recipient boxes get their labels with the
recipient list (a later change).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from proofs.documents import environment, write_pdf

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class SlipLine:
    name: str
    colour: str
    colour_hex: str
    per_box: int
    total: int


@dataclass(frozen=True)
class PackingSlip:
    reference: str
    organisation: str
    design_name: str
    boxes: int
    """Boxes in this parcel (all of them unless the order ships in several)."""
    boxes_in_order: int
    box: str
    ribbon: str
    tissue: str
    lines: tuple[SlipLine, ...]
    personalisation: tuple[str, ...] = ()
    card: str = ""
    needed_by: str = ""
    delivery: str = ""
    carrier: str = ""
    tracking: str = ""
    printed: str = ""
    ship_to: tuple[str, ...] = ()
    """The delivery address, a line each, as its country writes it; empty for per-recipient boxes."""
    ship_to_phone: str = ""
    instructions: str = ""
    hours: str = ""
    boxes_to_address: int = 0
    """For a split delivery, how many of the order's boxes go to ``ship_to``."""


def context(slip: PackingSlip) -> dict[str, object]:
    data = asdict(slip)
    for line in data["lines"]:
        # The hex lands in a style attribute: only a well-formed #RRGGBB may get there.
        line["colour_hex"] = line["colour_hex"] if _HEX.fullmatch(line["colour_hex"]) else "#CCCCCC"
        line["in_parcel"] = line["per_box"] * slip.boxes
    data["partial"] = slip.boxes != slip.boxes_in_order
    return data


def render_html(slip: PackingSlip) -> str:
    return environment().get_template("packing_slip.html").render(**context(slip))


def render_packing_slip(slip: PackingSlip) -> bytes:
    """Render the slip to PDF bytes (US Letter; it prints on A4 too, margins allow it)."""
    return write_pdf(render_html(slip), "packing_slip.css")
