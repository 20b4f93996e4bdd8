"""The API's shapes, in marshmallow: they validate requests and write the OpenAPI document.

Choices are drawn from :mod:`configurator.vocabulary`; the rules (:mod:`configurator.rules`) still
judge every spec, so a schema only refuses what is not even the right kind of value.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length, OneOf, Range

from configurator.vocabulary import CardSize, CardStyle, Delivery, LogoPlacement, MonogramStyle, Term

ID = Range(min=1, max=2**31 - 1)
TEXT = Length(max=2000)
SHORT = Length(max=200)


def _choice(kind: type[Term]) -> OneOf:
    return OneOf([term.value for term in kind])


class ProblemErrorSchema(Schema):
    field = fields.String(required=True, metadata={"description": "The field, dotted: items.0.colour"})
    in_ = fields.String(required=True, data_key="in", metadata={"description": "body, query, header or path"})
    detail = fields.String(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details, with one ``errors`` entry per field that needs correcting."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(ProblemErrorSchema), required=True)


# --- Catalog -------------------------------------------------------------------------------------


class ColourSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    hex = fields.String(required=True)


class ProductSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True)
    unit_price = fields.String(required=True, metadata={"description": "US dollars, a decimal string"})
    slots = fields.Integer(required=True, metadata={"description": "Room it takes in a box"})
    colours = fields.List(fields.String(), required=True)


class BoxSizeSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    capacity = fields.Integer(required=True)
    price = fields.String(required=True, metadata={"description": "US dollars, a decimal string"})


class DiscountTierSchema(Schema):
    min_boxes = fields.Integer(required=True)
    percent = fields.String(required=True)
    label = fields.String(required=True)


# --- Designs -------------------------------------------------------------------------------------


class ItemSchema(Schema):
    product_id = fields.String(required=True, validate=SHORT)
    colour = fields.String(required=True, validate=SHORT)
    quantity = fields.Integer(load_default=1, strict=True, validate=Range(min=1, max=1000))


class SpecSchema(Schema):
    """A box spec (:class:`configurator.spec.BoxSpec`); the logo is chosen in the web app."""

    box_size = fields.String(required=True, validate=SHORT)
    box_colour = fields.String(required=True, validate=SHORT)
    ribbon_colour = fields.String(required=True, validate=SHORT)
    tissue_colour = fields.String(required=True, validate=SHORT)
    items = fields.List(fields.Nested(ItemSchema), load_default=list, validate=Length(max=50))
    message = fields.String(load_default="", validate=TEXT)
    sign_off = fields.String(load_default="", validate=SHORT)
    quantity = fields.Integer(load_default=10, strict=True, validate=Range(min=1, max=1_000_000))
    logo_placement = fields.String(load_default=LogoPlacement.LID.value, validate=_choice(LogoPlacement))
    logo_width_in = fields.Float(load_default=2.0, validate=Range(min=0, max=100))
    monogram = fields.String(load_default="", validate=Length(max=10))
    monogram_style = fields.String(load_default=MonogramStyle.SERIF.value, validate=_choice(MonogramStyle))
    card_style = fields.String(load_default=CardStyle.CLASSIC.value, validate=_choice(CardStyle))
    card_size = fields.String(load_default=CardSize.FIVE_BY_SEVEN.value, validate=_choice(CardSize))
    needed_by = fields.Date(load_default=None, allow_none=True)
    delivery = fields.String(load_default=Delivery.BULK.value, validate=_choice(Delivery))
    classic_id = fields.String(dump_only=True, allow_none=True)
    logo_id = fields.String(dump_only=True, allow_none=True)


class SpecChangeSchema(SpecSchema):
    """The spec fields a PATCH changes (each optional: the rest stay as they are)."""


class ClassicSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    spec = fields.Nested(SpecSchema, required=True)


class CatalogSchema(Schema):
    products = fields.List(fields.Nested(ProductSchema), required=True)
    colours = fields.List(fields.Nested(ColourSchema), required=True)
    box_sizes = fields.List(fields.Nested(BoxSizeSchema), required=True)
    box_colours = fields.List(fields.String(), required=True)
    ribbon_colours = fields.List(fields.String(), required=True)
    tissue_colours = fields.List(fields.String(), required=True)
    classics = fields.List(fields.Nested(ClassicSchema), required=True)
    discount_tiers = fields.List(fields.Nested(DiscountTierSchema), required=True)


class ProofSchema(Schema):
    id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["queued", "rendering", "ready", "failed"]})
    late = fields.Boolean(required=True)
    text = fields.String(required=True)
    pdf = fields.String(required=True, allow_none=True, metadata={"description": "Set once ready"})
    png = fields.String(required=True, allow_none=True, metadata={"description": "Set once ready"})


class DesignSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    revision = fields.Integer(required=True, metadata={"description": "Also the ETag; send it as If-Match"})
    spec = fields.Nested(SpecSchema, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    latest_proof = fields.Nested(ProofSchema, required=True, allow_none=True)


class DesignPageSchema(Schema):
    items = fields.List(fields.Nested(DesignSchema), required=True)
    next_cursor = fields.String(
        required=True, allow_none=True, metadata={"description": "None on the last page"}
    )


class DesignCreateSchema(Schema):
    """Start from a classic box (``classic_id``) or from a whole ``spec``: one of the two."""

    name = fields.String(load_default="", validate=Length(max=120))
    classic_id = fields.String(validate=SHORT)
    spec = fields.Nested(SpecSchema)

    @validates_schema
    def _one_start(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if ("classic_id" in data) == ("spec" in data):
            raise ValidationError("Give either classic_id or spec.", "classic_id")


class DesignUpdateSchema(Schema):
    """A new name, spec fields (merged into the current spec), or both."""

    name = fields.String(validate=Length(min=1, max=120))
    spec = fields.Nested(SpecChangeSchema(partial=True))


class ListQuerySchema(Schema):
    limit = fields.Integer(load_default=20, validate=Range(min=1, max=100))
    cursor = fields.String(
        validate=Length(max=100), metadata={"description": "next_cursor of the page before"}
    )


class ViolationSchema(Schema):
    field = fields.String(required=True)
    message = fields.String(required=True)


class ValidationSchema(Schema):
    valid = fields.Boolean(required=True)
    violations = fields.List(fields.Nested(ViolationSchema), required=True)
