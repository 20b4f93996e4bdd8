"""The wizard's steps as objects: what each asks, when it is complete, how it saves what was chosen.

The view asks the step; a step with its own behaviour (the branding step's logo files, the
message step's required text, the review step's submit) says so in its own class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import flash, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.models import Design, Logo
from app.services import branding, delivery, designs, recipients, workers
from app.wizard import forms
from configurator.addresses import Layout, check_address, label_lines, layout
from configurator.catalog import load_catalog
from configurator.rules import check_draft, field_kind, normalise_text
from configurator.shipping import Destinations
from configurator.spec import BoxSpec, ItemLine
from configurator.vocabulary import CardSize, CardStyle, Delivery, LogoPlacement, MonogramStyle
from proofs.logo.colours import suggest_colours

STAY = ("save", "remove_logo", "upload", "use_logo_colours")
"""Buttons that save and stay on the step."""


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    template: str
    form: Callable[..., FlaskForm]
    fields: tuple[str, ...]
    """Spec fields this step owns: their rule violations block leaving the step."""
    load: Callable[[BoxSpec], dict[str, Any]]
    apply: Callable[[BoxSpec, FlaskForm], BoxSpec]

    def complete(self, spec: BoxSpec, problem_kinds: set[str]) -> bool:
        """Whether this step is done, given the kinds of rule violations the spec has."""
        return not problem_kinds.intersection(self.fields)

    def filled(self, design: Design, spec: BoxSpec) -> FlaskForm:
        """The step's form showing what the spec holds, at the design's revision."""
        return self.form(data={**self.load(spec), "revision": design.revision})

    def blocking(self, spec: BoxSpec) -> dict[str, str]:
        """Problems the page lists as standing in the way (only the last step lists any)."""
        return {}

    def destinations(self, design: Design, spec: BoxSpec, form: FlaskForm | None = None) -> Destinations:
        """Where the boxes go, for the running quote: the design's saved address."""
        return delivery.destinations_of(design, spec)

    def page_extras(self, design: Design, spec: BoxSpec, form: FlaskForm) -> dict[str, Any]:
        """What this step's template shows beyond the common page (the delivery step's address)."""
        return {}

    def live_extras(self, form: FlaskForm) -> dict[str, Any]:
        """What the live figures add for this step while the buyer types (the address form's shape)."""
        return {}

    def save(self, design: Design, form: FlaskForm, revision: int, nav: str) -> str:
        """Save what the buyer chose (Invalid or Conflict when it cannot be); where to go next."""
        changed = self.apply(BoxSpec.from_dict(design.spec), form)
        designs.save_step(design, revision, changed, self.fields)
        return self.destination(design, nav)

    def destination(self, design: Design, nav: str) -> str:
        back, forward = neighbours(self)
        target = {"back": back, "next": forward}.get(nav) or BY_SLUG.get(nav.removeprefix("goto:")) or self
        if nav in STAY:
            flash("Saved.", "success")
            target = self
        return url_for("wizard.edit", design_id=design.id, slug=target.slug)


class BrandingStep(Step):
    def save(self, design: Design, form: FlaskForm, revision: int, nav: str) -> str:
        """Upload or remove the logo first; both commit, so the rest of the step saves on the new revision."""
        upload = form.logo.data
        if nav == "remove_logo":
            branding.remove_logo(current_user, design, revision)
            revision = design.revision
        elif upload and upload.filename:
            branding.upload_logo(current_user, design, revision, upload.read(), upload.filename)
            revision = design.revision
        changed = self.apply(BoxSpec.from_dict(design.spec), form)
        if nav == "use_logo_colours":
            changed = _with_logo_colours(design, changed)
        designs.save_step(design, revision, changed, self.fields)
        return self.destination(design, nav)


class MessageStep(Step):
    def complete(self, spec: BoxSpec, problem_kinds: set[str]) -> bool:
        """A card needs words: an empty message is not done, though no rule forbids a draft without."""
        return bool(spec.message.strip()) and super().complete(spec, problem_kinds)


class DeliveryStep(Step):
    """Quantity, date and where the boxes go; the address is a row of its own beside the spec."""

    def filled(self, design: Design, spec: BoxSpec) -> FlaskForm:
        """The saved spec's choices and the design's saved address."""
        data = {**self.load(spec), "revision": design.revision}
        row = delivery.address_of(design)
        if row is not None:
            data.update(row.address().as_dict())
            data["office_boxes"] = row.boxes
        return self.form(data=data)

    def save(self, design: Design, form: FlaskForm, revision: int, nav: str) -> str:
        """Save quantity, date and delivery, and the address with them in one transaction."""
        changed = self.apply(BoxSpec.from_dict(design.spec), form)
        office = form.office_boxes.data if form.kind.to_address else None
        if (boxes := recipients.boxes_for(design, changed.delivery, office)) is not None:
            changed = changed.replace(quantity=boxes)  # the list decides how many boxes go to recipients
        address = form.address()
        kept = partial(delivery.keep_address, design, changed, address, form.office_boxes.data)
        designs.save_step(design, revision, changed, self.fields, kept if form.kind.to_address else None)
        return self.destination(design, nav)

    def destinations(self, design: Design, spec: BoxSpec, form: FlaskForm | None = None) -> Destinations:
        """With the buyer's unsaved choices (the live figures), the address typed so far counts."""
        if form is None or not form.is_submitted():
            return delivery.destinations_of(design, spec)
        typed = form.address() if form.kind.to_address else None
        return delivery.destinations_for(
            spec,
            typed if typed and typed.country else None,
            form.office_boxes.data,
            delivery.recipient_countries(design) if form.kind.to_recipients else (),
        )

    def page_extras(self, design: Design, spec: BoxSpec, form: FlaskForm) -> dict[str, Any]:
        """The address form as the chosen country writes it, and the doubts about what is saved."""
        row = delivery.address_of(design)
        country = form.country.data or (row.country if row else "") or "US"
        shape = layout(country)
        for name, text in address_labels(shape).items():
            form[name].label.text = text
        if hasattr(form, "address_warnings"):
            warnings = form.address_warnings
        elif row is not None and Delivery.has(spec.delivery) and Delivery(spec.delivery).to_address:
            warnings = dict(check_address(row.address()).warnings)
        else:
            warnings = {}
        return {
            "address_layout": shape,
            "address_hint": address_hint(shape),
            "address_warnings": warnings,
            "address_saved": row is not None,
        }

    def live_extras(self, form: FlaskForm) -> dict[str, Any]:
        """The labels and regions of the country just chosen, so the form reshapes before saving."""
        shape = layout(form.country.data or "US")
        return {
            "address_labels": {form[name].id: text for name, text in address_labels(shape).items()},
            "regions": [[code, name] for code, name in shape.regions],
            "address_hint": address_hint(shape),
            "unused": sorted({"city", "city_area", "region", "postal_code"} - shape.used),
        }


def address_hint(shape: Layout) -> str:
    """The sentence above the address: which deliveries use it, and how its country writes it."""
    example = (
        f" ({shape.labels['postal_code']} example: {shape.postal_example})" if shape.postal_example else ""
    )
    return (
        f"For “{Delivery.BULK.label}” and for the office share of a split. "
        f"Written the way {shape.country_name or 'the country'} writes addresses{example}."
    )


def address_labels(shape: Layout) -> dict[str, str]:
    """Each address field's label for a country, "(optional)" where the country does not need it."""
    needed = shape.required | {"country", "phone"}  # check_address asks for a phone: carriers call it
    return {name: text if name in needed else f"{text} (optional)" for name, text in shape.labels.items()}


class ReviewStep(Step):
    def filled(self, design: Design, spec: BoxSpec) -> FlaskForm:
        """The PO number and cost centre given at an earlier submit (a design sent back keeps them)."""
        data = {"revision": design.revision, "po_number": design.po_number, "cost_centre": design.cost_centre}
        return self.form(data=data)

    def blocking(self, spec: BoxSpec) -> dict[str, str]:
        return designs.violations(spec, draft=False)

    def page_extras(self, design: Design, spec: BoxSpec, form: FlaskForm) -> dict[str, Any]:
        """The saved delivery address as its label reads, for the buyer to check."""
        row = delivery.address_of(design)
        po_required = design.organisation.po_required
        if row is None:
            return {"ship_to": (), "po_required": po_required}
        return {
            "po_required": po_required,
            "ship_to": label_lines(row.address()),
            "office_boxes": row.boxes,
            "address_phone": row.phone,
            "address_hours": row.hours,
        }

    def save(self, design: Design, form: FlaskForm, revision: int, nav: str) -> str:
        """Submit the design for a proof."""
        proof = designs.submit(
            design, current_user, revision, form.po_number.data or "", form.cost_centre.data or ""
        )
        if workers.state().alive:
            flash(
                f"Submitted. We are preparing proof v{proof.version}; it appears here in a few seconds.",
                "success",
            )
        else:  # no worker to draw it: no promise of seconds
            flash(f"Submitted. Proof v{proof.version} is {workers.LATE_TEXT}.", "success")
        return url_for("designs.show", design_id=design.id, _anchor="proof")


def logo_suggestions(logo: Logo | None, placement: str) -> dict[str, list[str]]:
    """Catalog box and ribbon colour ids that match the logo's main colours and keep it visible."""
    if logo is None or not logo.colours:
        return {}
    return suggest_colours(logo.colours, load_catalog(), placement)


def _with_logo_colours(design: Design, spec: BoxSpec) -> BoxSpec:
    """The best-matching box and ribbon colours for the design's logo (unchanged without a logo)."""
    found = logo_suggestions(branding.find_logo(design.organisation_id, spec.logo_id), spec.logo_placement)
    return spec.replace(
        box_colour=(found.get("box_colours") or [spec.box_colour])[0],
        ribbon_colour=(found.get("ribbon_colours") or [spec.ribbon_colour])[0],
    )


def _load_contents(spec: BoxSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"box_size": spec.box_size}
    for item in spec.items:
        data[f"qty_{item.product_id}"] = item.quantity
    return data


def _apply_contents(spec: BoxSpec, form: FlaskForm) -> BoxSpec:
    """Keep existing colours for products still in the box; new products start in their first colour."""
    catalog = load_catalog()
    colours = {i.product_id: i.colour for i in spec.items}
    items = []
    for product in catalog.products.values():
        qty = form[f"qty_{product.id}"].data or 0
        if qty > 0:
            items.append(ItemLine(product.id, colours.get(product.id, product.colours[0]), qty))
    return spec.replace(box_size=form.box_size.data, items=tuple(items))


def _load_colours(spec: BoxSpec) -> dict[str, Any]:
    data: dict[str, Any] = {
        "box_colour": spec.box_colour,
        "ribbon_colour": spec.ribbon_colour,
        "tissue_colour": spec.tissue_colour,
    }
    for item in spec.items:
        data[f"colour_{item.product_id}"] = item.colour
    return data


def _apply_colours(spec: BoxSpec, form: FlaskForm) -> BoxSpec:
    items = tuple(
        item.__class__(item.product_id, form[f"colour_{item.product_id}"].data or item.colour, item.quantity)
        for item in spec.items
    )
    return spec.replace(
        box_colour=form.box_colour.data,
        ribbon_colour=form.ribbon_colour.data,
        tissue_colour=form.tissue_colour.data,
        items=items,
    )


def _load_branding(spec: BoxSpec) -> dict[str, Any]:
    return {
        "logo_placement": spec.logo_placement,
        "logo_width_in": f"{spec.logo_width_in:.1f}",
        "monogram": spec.monogram,
        "monogram_style": spec.monogram_style,
    }


def _apply_branding(spec: BoxSpec, form: FlaskForm) -> BoxSpec:
    return spec.replace(
        logo_placement=form.logo_placement.data or LogoPlacement.LID,
        logo_width_in=float(form.logo_width_in.data or 2.0),
        monogram=normalise_text(form.monogram.data or "").upper(),
        monogram_style=form.monogram_style.data or MonogramStyle.SERIF,
    )


def _load_message(spec: BoxSpec) -> dict[str, Any]:
    return {
        "card_style": spec.card_style,
        "card_size": spec.card_size,
        "message": spec.message,
        "sign_off": spec.sign_off,
    }


def _apply_message(spec: BoxSpec, form: FlaskForm) -> BoxSpec:
    return spec.replace(
        card_style=form.card_style.data or CardStyle.CLASSIC,
        card_size=form.card_size.data or CardSize.FIVE_BY_SEVEN,
        message=normalise_text(form.message.data or ""),
        sign_off=normalise_text(form.sign_off.data or ""),
    )


def _load_delivery(spec: BoxSpec) -> dict[str, Any]:
    return {
        "quantity": spec.quantity,
        "needed_by": spec.needed_by,
        "delivery": spec.delivery,
    }


def _apply_delivery(spec: BoxSpec, form: FlaskForm) -> BoxSpec:
    return spec.replace(
        quantity=form.quantity.data,
        needed_by=form.needed_by.data,
        delivery=form.delivery.data or Delivery.BULK,
    )


STEPS: tuple[Step, ...] = (
    Step(
        "contents",
        "Box & contents",
        "wizard/contents.html",
        lambda **kw: forms.contents_form()(**kw),
        ("box_size", "items", "item_quantity"),
        _load_contents,
        _apply_contents,
    ),
    Step(
        "colours",
        "Colours",
        "wizard/colours.html",
        lambda **kw: forms.colours_form()(**kw),
        ("box_colour", "ribbon_colour", "tissue_colour", "item_colour"),
        _load_colours,
        _apply_colours,
    ),
    BrandingStep(
        "branding",
        "Branding",
        "wizard/branding.html",
        forms.BrandingForm,
        ("logo_placement", "monogram", "monogram_style"),
        _load_branding,
        _apply_branding,
    ),
    MessageStep(
        "message",
        "Message card",
        "wizard/message.html",
        forms.MessageForm,
        ("card_style", "card_size", "message", "sign_off"),
        _load_message,
        _apply_message,
    ),
    DeliveryStep(
        "delivery",
        "Quantity & delivery",
        "wizard/delivery.html",
        forms.DeliveryForm,
        ("quantity", "delivery"),
        _load_delivery,
        _apply_delivery,
    ),
    ReviewStep(
        "review",
        "Review & submit",
        "wizard/review.html",
        forms.ReviewForm,
        (),
        lambda spec: {},
        lambda spec, form: spec,
    ),
)
BY_SLUG = {step.slug: step for step in STEPS}


def neighbours(step: Step) -> tuple[Step | None, Step | None]:
    index = STEPS.index(step)
    return (STEPS[index - 1] if index else None, STEPS[index + 1] if index + 1 < len(STEPS) else None)


def completion(spec: BoxSpec) -> dict[str, bool]:
    """Each step's slug and whether it is done; the rules run once for all steps."""
    kinds = {field_kind(v.field) for v in check_draft(spec, load_catalog())}
    return {step.slug: step.complete(spec, kinds) for step in STEPS}


def first_incomplete(spec: BoxSpec) -> Step:
    done = completion(spec)
    return next((step for step in STEPS[:-1] if not done[step.slug]), STEPS[-1])
