"""The packing slip that goes in (or on) the carton: what must be inside, checked off by hand.

Pure, like the proof: plain strings and numbers in, PDF bytes out, through the same restricted
URL fetcher (the slip needs no images, so it serves nothing at all) and an
autoescaping Jinja environment, so an organisation or design name can never become markup.
No buyer contact details are printed: the carrier label carries the address.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import jinja2
from weasyprint import CSS, HTML

from proofs.fetcher import make_url_fetcher

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "proofs"
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


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def context(slip: PackingSlip) -> dict[str, object]:
    data = asdict(slip)
    for line in data["lines"]:
        # The hex lands in a style attribute: only a well-formed #RRGGBB may get there.
        line["colour_hex"] = line["colour_hex"] if _HEX.fullmatch(line["colour_hex"]) else "#CCCCCC"
        line["in_parcel"] = line["per_box"] * slip.boxes
    data["partial"] = slip.boxes != slip.boxes_in_order
    return data


def render_html(slip: PackingSlip) -> str:
    return _environment().get_template("packing_slip.html").render(**context(slip))


def render_packing_slip(slip: PackingSlip) -> bytes:
    """Render the slip to PDF bytes (US Letter; it prints on A4 too, margins allow it)."""
    css = (TEMPLATE_DIR / "packing_slip.css").read_text(encoding="utf-8")
    fetcher = make_url_fetcher({})
    html = HTML(string=render_html(slip), url_fetcher=fetcher, base_url=None)
    return html.write_pdf(stylesheets=[CSS(string=css, url_fetcher=fetcher)])
