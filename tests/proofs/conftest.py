"""Shared data for the pure proof tests: the real catalog, a spec builder and CLI-tool guards."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from datetime import date

import pytest

from configurator.catalog import Catalog, load_catalog
from configurator.pricing import quote
from configurator.spec import BoxSpec, ItemLine
from proofs.pdf import render_proof_files
from proofs.request import ProofRequest, RenderedProof
from tests.services import missing


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


def make_spec(catalog: Catalog, **changes) -> BoxSpec:
    """A medium box with two items; override any field."""
    base = BoxSpec(
        box_size="medium",
        box_colour="kraft",
        ribbon_colour="navy",
        tissue_colour="ivory",
        items=(ItemLine("stitched-journal", "navy"), ItemLine("soy-candle", "ivory")),
        message="Welcome aboard!",
        sign_off="The People team",
        quantity=25,
    )
    return base.replace(**changes)


def proof_request(catalog: Catalog, spec: BoxSpec, **changes) -> ProofRequest:
    """The render input of version 3 of a design, quoted from ``spec``; override any field."""
    base = ProofRequest(
        spec=spec,
        quote=quote(spec, catalog),
        organisation="Acme & Co <Ltd>",
        design_name="Welcome box",
        reference="GOH-000123",
        version=3,
        created=date(2025, 3, 4),
        review_url="https://gifts.example.org/proofs/GOH-000123/3",
    )
    return dataclasses.replace(base, **changes)


def render_pdf(catalog: Catalog, spec: BoxSpec, **changes) -> RenderedProof:
    return render_proof_files(proof_request(catalog, spec, **changes))


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    """Run a poppler/qpdf CLI tool; skip (or fail with REQUIRE_SERVICES=1) when it is missing."""
    if shutil.which(args[0]) is None:
        missing(f"{args[0]} is not installed (apt-get install poppler-utils qpdf)")
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)
