"""How an order becomes units of maker work (production jobs)."""

from __future__ import annotations

from dataclasses import dataclass

from configurator.catalog import Catalog
from configurator.spec import BoxSpec

CARD_MINUTES = 2
ASSEMBLY_MINUTES = 6


@dataclass(frozen=True)
class JobPlan:
    kind: str  # "make", "cards" or "assemble"
    title: str
    quantity: int
    maker_minutes: int
    product_id: str | None = None
    colour: str | None = None


def plan_jobs(spec: BoxSpec, catalog: Catalog) -> list[JobPlan]:
    """Split an order into jobs a maker can pick up: one per product and colour, then cards, then packing."""
    made: dict[tuple[str, str], int] = {}
    for line in spec.items:
        key = (line.product_id, line.colour)
        made[key] = made.get(key, 0) + line.quantity * spec.quantity
    plans = []
    for (product_id, colour), count in made.items():
        product = catalog.products[product_id]
        plans.append(
            JobPlan(
                kind="make",
                title=f"Make {count} {product.name.lower()}, {catalog.colour_name(colour).lower()}",
                quantity=count,
                maker_minutes=product.maker_minutes * count,
                product_id=product_id,
                colour=colour,
            )
        )
    boxes = spec.quantity
    plans.append(JobPlan("cards", f"Write {boxes} message cards", boxes, CARD_MINUTES * boxes))
    plans.append(JobPlan("assemble", f"Assemble and pack {boxes} boxes", boxes, ASSEMBLY_MINUTES * boxes))
    return plans
