"""Logos: intake through ``proofs.logo``, storage, and the preflight findings staff and buyers see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from app.extensions import db
from app.models import Design, User
from app.models.branding import Logo
from app.services import audit
from app.services.drafts import commit_spec, editable_spec
from app.services.errors import Invalid, NotFound
from app.storage import storage
from configurator.vocabulary import LogoPlacement

if TYPE_CHECKING:
    from proofs.logo import PrintSize


def upload_logo(user: User, design: Design, revision: int, data: bytes, filename: str) -> Logo:
    """Check and normalise an uploaded logo and put it on the design; the draft is untouched on error."""
    from proofs.logo import LogoError, intake_logo  # the image stack loads only when a logo arrives

    spec = editable_spec(design, revision)
    try:
        intake = intake_logo(data, filename)
    except LogoError as exc:
        raise Invalid(str(exc), {"logo": str(exc)}) from exc
    logo = db.session.scalar(
        select(Logo).where(Logo.organisation_id == design.organisation_id, Logo.sha256 == intake.sha256)
    )
    if logo is None:
        logo = Logo(
            organisation_id=design.organisation_id,
            uploaded_by_id=user.id,
            sha256=intake.sha256,
            filename=filename[-255:] or "logo",
            original_format=intake.original_format,
            width_px=intake.width_px,
            height_px=intake.height_px,
            colours=list(intake.colours),
        )
        db.session.add(logo)
        store = storage()
        store.put(logo.png_key, intake.png)
        store.put(logo.original_key, intake.original)
    audit.record(user, "design.logo", f"design:{design.id}", design.organisation_id, logo=intake.sha256)
    commit_spec(design, spec.replace(logo_id=intake.sha256))
    return logo


def remove_logo(user: User, design: Design, revision: int) -> None:
    spec = editable_spec(design, revision)
    audit.record(user, "design.logo_removed", f"design:{design.id}", design.organisation_id)
    commit_spec(design, spec.replace(logo_id=None))


def find_logo(organisation_id: int, sha256: str | None) -> Logo | None:
    if not sha256:
        return None
    return db.session.scalar(
        select(Logo).where(Logo.organisation_id == organisation_id, Logo.sha256 == sha256)
    )


def logo_for(user: User, design: Design) -> Logo:
    """The design's logo, for a user who may see the design (callers check that first)."""
    logo = find_logo(design.organisation_id, design.spec.get("logo_id"))
    if logo is None:
        raise NotFound("This design has no logo.")
    return logo


def logo_png(logo_id: str | None) -> bytes | None:
    """The normalised PNG of a logo, or None when the spec has none (renderers take bytes)."""
    if not logo_id:
        return None
    key = f"logos/{logo_id}.png"
    store = storage()
    return store.get(key) if store.exists(key) else None


def preflight(spec: dict) -> list[str]:
    """Plain-language findings about print quality, shown to the buyer, to staff and on the proof."""
    from configurator.catalog import load_catalog
    from proofs.logo import contrast_finding

    logo_id = spec.get("logo_id")
    if not logo_id:
        return []
    logo = db.session.scalar(select(Logo).where(Logo.sha256 == logo_id).limit(1))
    if logo is None:
        return ["The logo file is missing; please upload it again."]
    low_resolution = print_logo(logo, spec).finding
    findings = [low_resolution] if low_resolution else []
    catalog = load_catalog()
    box_colour = spec.get("box_colour", "")
    if box_colour in catalog.colours:
        hard_to_see = contrast_finding(
            logo.colours or [], spec.get("logo_placement", LogoPlacement.LID), box_colour, catalog
        )
        if hard_to_see:
            findings.append(hard_to_see)
    return findings


def print_logo(logo: Logo, spec: dict) -> PrintSize:
    """How the stored logo prints with this spec's width and placement (asked of ``proofs.logo``)."""
    from proofs.logo import print_size

    return print_size(
        (logo.width_px, logo.height_px),
        float(spec.get("logo_width_in", 2.0)) or 2.0,
        spec.get("logo_placement", LogoPlacement.LID),
        vector=logo.original_format == "svg",
    )
