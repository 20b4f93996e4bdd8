"""What every PDF document we make shares: its own Jinja environment and the locked-down fetcher.

Proofs, packing slips and approval records are rendered the same way: templates from
``templates/proofs`` with autoescape always on (user text never becomes markup) and a missing
value an error rather than blank, then WeasyPrint with a URL fetcher that serves only the
in-memory assets passed in.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import jinja2
from weasyprint import CSS, HTML

from configurator.vocabulary import VOCABULARY
from proofs import bidi
from proofs.fetcher import make_url_fetcher

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "proofs"


@functools.cache
def environment() -> jinja2.Environment:
    """Our own environment, separate from the web app's: autoescape on, StrictUndefined."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # ``dir="{{ text|direction }}"``: WeasyPrint has no dir="auto", so templates ask proofs.bidi.
    env.filters["direction"] = bidi.direction
    # Plain data in, but the words are the domain's: ``card.style == CardStyle.MODERN``.
    env.globals.update({kind.__name__: kind for kind in VOCABULARY})
    return env


def write_pdf(html: str, stylesheet: str, assets: Mapping[str, bytes] | None = None) -> bytes:
    """Lay out ``html`` with the named stylesheet from ``templates/proofs``; only ``assets`` can load."""
    fetcher = make_url_fetcher(dict(assets or {}))
    css = CSS(string=(TEMPLATE_DIR / stylesheet).read_text(encoding="utf-8"), url_fetcher=fetcher)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf(stylesheets=[css])
    return pdf
