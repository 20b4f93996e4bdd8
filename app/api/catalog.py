"""The catalog: products, colours, box sizes, classic boxes and prices, as the wizard offers them."""

from __future__ import annotations

from typing import Any

from app.api.auth import needs
from app.api.blueprint import api_blueprint
from app.api.schemas import CatalogSchema
from configurator.catalog import load_catalog
from configurator.vocabulary import ApiScope

bp = api_blueprint("api_catalog", "catalog", "What a box can hold")


@bp.get("")
@needs(ApiScope.READ)
@bp.response(200, CatalogSchema)
def catalog() -> dict[str, Any]:
    """The whole catalog (prices in US dollars, as decimal strings)."""
    found = load_catalog()
    return {
        "products": [
            {**vars(p), "unit_price": str(p.unit_price), "colours": list(p.colours)}
            for p in found.products.values()
        ],
        "colours": list(found.colours.values()),
        "box_sizes": [{**vars(b), "price": str(b.price)} for b in found.box_sizes.values()],
        "box_colours": list(found.box_colours),
        "ribbon_colours": list(found.ribbon_colours),
        "tissue_colours": list(found.tissue_colours),
        "classics": list(found.classics.values()),
        "discount_tiers": [{**vars(t), "percent": str(t.percent)} for t in found.discount_tiers],
    }
