"""The wizard's pages as data: what a step's page shows and what the live figures say.

The views render these; nothing here touches the session's transaction.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.models import Design
from app.services import billing, branding, previews, reviews
from app.services.estimates import estimate
from app.wizard.steps import STEPS, Step, completion, logo_suggestions, neighbours
from configurator.catalog import load_catalog
from configurator.pricing import Quote
from configurator.rules import check_draft, field_kind, slots
from configurator.spec import BoxSpec
from proofs.card_fit import fit_message


def step_page(design: Design, step: Step, form: FlaskForm, spec: BoxSpec, loose: list[str]) -> dict[str, Any]:
    """Everything a step's template shows, worked out once here so the view only renders it."""
    catalog = load_catalog()
    quote, plan = estimate(spec, step.destinations(design, spec), billing.tax_rate_of(design))
    logo = branding.find_logo(design.organisation_id, spec.logo_id)
    return dict(
        design=design,
        step=step,
        steps=STEPS,
        neighbours=neighbours(step),
        complete=completion(spec),
        form=form,
        spec=spec,
        items={item.product_id: item for item in spec.items},
        catalog=catalog,
        quote=quote,
        plan=plan,
        logo=logo,
        preflight=branding.preflight(spec.to_dict()),
        suggestions=logo_suggestions(logo, spec.logo_placement),
        preview=url_for("wizard.preview", design_id=design.id, key=previews.remember(spec)),
        slots=slots(spec, catalog),
        fit=fit_message(spec.message, spec.card_size),
        loose_errors=loose,
        problems=step.blocking(spec),
        sent_back=reviews.sent_back(design, current_user),
        **step.page_extras(design, spec, form),
    )


def errors_onto(form: FlaskForm, spec: BoxSpec, problems: dict[str, str]) -> list[str]:
    """Put each rule violation next to its field; return those that belong to no single field."""
    loose = []
    for field, message in problems.items():
        parts = field.split(".")
        name = field
        if parts[0] == "items" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(spec.items):
            product = spec.items[int(parts[1])].product_id
            name = f"{'colour' if field_kind(field) == 'item_colour' else 'qty'}_{product}"
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            loose.append(message)
    return loose


def breakdown_rows(quote: Quote) -> list[tuple[str, str, str]]:
    """The breakdown's rows as the page's partial shows them, for the live update to redraw."""
    rows = [
        (line.label, f"{line.quantity} × ${line.unit_price:,.2f}", f"${line.amount:,.2f}")
        for line in quote.lines
    ]
    if quote.discount:
        rows.append((quote.discount_label, "", f"−${quote.discount:,.2f}"))
    return rows


def live_figures(design: Design, step: Step, candidate: BoxSpec, form: FlaskForm) -> dict[str, object]:
    """What the page would show with unsaved choices: preview, price, fill, card fit, delivery."""
    problems = check_draft(candidate, load_catalog())
    quote, plan = estimate(candidate, step.destinations(design, candidate, form), billing.tax_rate_of(design))
    used, capacity = slots(candidate, load_catalog())
    fit = fit_message(candidate.message, candidate.card_size)
    return dict(
        preview=url_for("wizard.preview", design_id=design.id, key=previews.remember(candidate)),
        total=f"${quote.total:,.2f}",
        per_box=f"${quote.per_box:,.2f}",
        boxes=quote.boxes,
        slots=f"{used} of {capacity} slots used",
        full=used >= capacity,
        fit=fit.message,
        fits=fit.fits,
        delivery=plan.message,
        delivery_note=plan.note,
        shipping=f"${quote.shipping:,.2f}",
        tax=f"${quote.tax:,.2f}",
        breakdown=breakdown_rows(quote),
        problems=[v.message for v in problems if field_kind(v.field) in step.fields],
        **step.live_extras(form),
    )
