"""What one proof render needs, as plain data, and the key its files are stored under.

The app builds a :class:`ProofRequest` from its rows in one place; the worker, the warm-up,
the tests and the benchmark all hand the same type to :func:`proofs.pdf.render_proof_files`.
This module stays light (no WeasyPrint), so the web process can compute render keys.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date

from configurator.pricing import Quote
from configurator.spec import BoxSpec
from configurator.vocabulary import PageSize
from proofs.fonts import font_set_id

TEMPLATE_VERSION = "5"
"""Bump when the templates, the stylesheet or the drawing code change what a proof looks like."""


@dataclass(frozen=True)
class ProofRequest:
    """Everything that shapes one proof: the renderer gets only this (and the catalog)."""

    spec: BoxSpec
    quote: Quote
    """The quote frozen at submission, so proof, approval and order agree."""
    organisation: str
    design_name: str
    reference: str
    version: int
    created: date
    review_url: str
    page_size: str = PageSize.LETTER
    """The organisation's paper size."""
    logo_png: bytes | None = None
    """The normalised logo named by ``spec.logo_id``; left out when only the key is wanted."""
    preflight: tuple[str, ...] = ()
    delivery_estimate: date | None = None

    @property
    def render_key(self) -> str:
        """Digest of everything that shapes the files; equal keys share stored files.

        The logo counts through ``spec.logo_id`` (the digest of its normalised PNG), so the key
        is known without reading the logo.
        """
        shape = {
            "spec": self.spec.content_hash(),
            "organisation": self.organisation,
            "design": self.design_name,
            "reference": self.reference,
            "version": self.version,
            "date": self.created.isoformat(),
            "review_url": self.review_url,
            "page_size": self.page_size,
            "logo": self.spec.logo_id,  # also in the spec's hash; kept so earlier keys stay valid
            "preflight": list(self.preflight),
            "delivery_estimate": self.delivery_estimate.isoformat() if self.delivery_estimate else None,
            "quote": dataclasses.asdict(self.quote),
            "template": TEMPLATE_VERSION,
            "fonts": font_set_id(),
        }
        return hashlib.sha256(json.dumps(shape, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class RenderedProof:
    """The files of one render."""

    pdf: bytes
    png: bytes
    """The 1600 x 1200 mockup the PDF embeds."""
